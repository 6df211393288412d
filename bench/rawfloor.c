/*
 * Copyright (C) 2026 kernel-libnl authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/*
 * rawfloor - the XFRM messages of bench/kbench's CHILD_SAs through a minimal
 * netlink loop: what the kernel itself allows.
 *
 * Per CHILD_SA the same requests as kernel-netlink sends for charon's calls
 * (same structs and attributes; no library, no locks, no allocations):
 *   install: ALLOCSPI, UPDSA(in), NEWSA(out), NEWPOLICY in/fwd/out
 *   query:   GETSA in/out, GETPOLICY in/fwd/out
 *   delete:  DELPOLICY out/in/fwd, DELSA in/out
 * (--mode policy: only the policy messages.)
 *
 * --pipeline K: 0 = one request, wait for its ACK/reply, next request;
 * K > 0: the requests of K CHILD_SAs are written in one datagram, then all
 * ACKs/replies are read (ALLOCSPI replies first, as the SPI is needed).
 * --threads T: T threads, each its own socket and share of the CHILD_SAs.
 *
 * Output: "KB ..." lines like kbench's (backend=raw-serial / raw-pipe).
 */

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "kb_peer.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#define MAX_THREADS 64
#define ALIGN4(x) (((x) + 3) & ~3)

static int n_children = 1000, n_threads = 1, pipeline = 0;
static bool policy_only = false;

typedef struct {
	uint32_t peer, remote_net, spi_in, spi_out, reqid;
} child_t;

static child_t *children;
static uint32_t me, local_net;

typedef struct {
	int fd, first, last;
	uint32_t seq;
	uint64_t fails, msgs;
	char *buf;
	size_t len, size;
	/* per pending seq in a batch: child index for ALLOCSPI replies */
	int *pending;
} worker_t;

static worker_t workers[MAX_THREADS];

static uint64_t now_ns()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long status_kb(const char *key)
{
	char line[256];
	long val = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
	{
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
		{
			val = strtol(line + strlen(key) + 1, NULL, 10);
		}
	}
	if (f)
	{
		fclose(f);
	}
	return val;
}

/* --- message building ----------------------------------------------------- */

static struct nlmsghdr *msg_start(worker_t *w, uint16_t type, uint16_t flags,
								  size_t payload)
{
	struct nlmsghdr *hdr;

	if (w->len + NLMSG_SPACE(payload) + 512 > w->size)
	{
		w->size = (w->size + NLMSG_SPACE(payload) + 512) * 2;
		w->buf = realloc(w->buf, w->size);
	}
	hdr = (struct nlmsghdr*)(w->buf + w->len);
	memset(hdr, 0, NLMSG_SPACE(payload));
	hdr->nlmsg_len = NLMSG_LENGTH(payload);
	hdr->nlmsg_type = type;
	hdr->nlmsg_flags = NLM_F_REQUEST | flags;
	hdr->nlmsg_seq = ++w->seq ?: ++w->seq;
	return hdr;
}

static void *attr_put(struct nlmsghdr *hdr, uint16_t type, size_t len)
{
	struct nlattr *a = (struct nlattr*)((char*)hdr + NLMSG_ALIGN(hdr->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memset((char*)a + NLA_HDRLEN, 0, NLA_ALIGN(len));
	hdr->nlmsg_len = NLMSG_ALIGN(hdr->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return (char*)a + NLA_HDRLEN;
}

static void msg_end(worker_t *w, struct nlmsghdr *hdr)
{
	w->len += NLMSG_ALIGN(hdr->nlmsg_len);
	w->msgs++;
}

static void lft_inf(struct xfrm_lifetime_cfg *lft)
{
	lft->soft_byte_limit = lft->hard_byte_limit = XFRM_INF;
	lft->soft_packet_limit = lft->hard_packet_limit = XFRM_INF;
}

static void sel_init(struct xfrm_selector *sel, uint32_t src, uint32_t dst)
{
	sel->saddr.a4 = src;
	sel->daddr.a4 = dst;
	sel->prefixlen_s = sel->prefixlen_d = 24;
	sel->family = AF_INET;
}

static void put_allocspi(worker_t *w, child_t *c)
{
	struct nlmsghdr *hdr;
	struct xfrm_userspi_info *spi;

	hdr = msg_start(w, XFRM_MSG_ALLOCSPI, 0, sizeof(*spi));
	spi = NLMSG_DATA(hdr);
	spi->info.saddr.a4 = c->peer;
	spi->info.id.daddr.a4 = me;
	spi->info.id.proto = IPPROTO_ESP;
	spi->info.mode = XFRM_MODE_TUNNEL;
	spi->info.family = AF_INET;
	spi->min = 0xc0000000;
	spi->max = 0xcfffffff;
	msg_end(w, hdr);
}

static void put_sa(worker_t *w, child_t *c, bool in)
{
	struct nlmsghdr *hdr;
	struct xfrm_usersa_info *sa;
	struct xfrm_algo *enc;
	struct xfrm_algo_auth *auth;

	hdr = msg_start(w, in ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, NLM_F_ACK,
					sizeof(*sa));
	sa = NLMSG_DATA(hdr);
	sa->saddr.a4 = in ? c->peer : me;
	sa->id.daddr.a4 = in ? me : c->peer;
	sa->id.spi = in ? c->spi_in : c->spi_out;
	sa->id.proto = IPPROTO_ESP;
	sa->family = AF_INET;
	sa->mode = XFRM_MODE_TUNNEL;
	sa->flags = XFRM_STATE_AF_UNSPEC;
	sa->reqid = c->reqid;
	sa->replay_window = 32;
	lft_inf(&sa->lft);
	sa->lft.soft_add_expires_seconds = in ? 3240 : 0;
	sa->lft.hard_add_expires_seconds = 3600;

	enc = attr_put(hdr, XFRMA_ALG_CRYPT, sizeof(*enc) + 16);
	strcpy(enc->alg_name, "cbc(aes)");
	enc->alg_key_len = 128;
	memset(enc->alg_key, 0x11, 16);
	auth = attr_put(hdr, XFRMA_ALG_AUTH_TRUNC, sizeof(*auth) + 32);
	strcpy(auth->alg_name, "hmac(sha256)");
	auth->alg_key_len = 256;
	auth->alg_trunc_len = 128;
	memset(auth->alg_key, 0x22, 32);
	msg_end(w, hdr);
}

static void pol_sel(child_t *c, int dir, struct xfrm_selector *sel)
{
	if (dir == XFRM_POLICY_OUT)
	{
		sel_init(sel, local_net, c->remote_net);
	}
	else
	{
		sel_init(sel, c->remote_net, local_net);
	}
}

static void put_policy(worker_t *w, child_t *c, int dir)
{
	struct nlmsghdr *hdr;
	struct xfrm_userpolicy_info *pol;
	struct xfrm_user_tmpl *tmpl;
	bool out = dir == XFRM_POLICY_OUT;

	hdr = msg_start(w, XFRM_MSG_NEWPOLICY, NLM_F_ACK, sizeof(*pol));
	pol = NLMSG_DATA(hdr);
	pol_sel(c, dir, &pol->sel);
	pol->dir = dir;
	pol->priority = 375423;
	pol->action = XFRM_POLICY_ALLOW;
	pol->share = XFRM_SHARE_ANY;
	lft_inf(&pol->lft);
	tmpl = attr_put(hdr, XFRMA_TMPL, sizeof(*tmpl));
	tmpl->id.daddr.a4 = out ? c->peer : me;
	tmpl->id.spi = out ? c->spi_out : 0;
	tmpl->id.proto = IPPROTO_ESP;
	tmpl->family = AF_INET;
	tmpl->saddr.a4 = out ? me : c->peer;
	tmpl->reqid = c->reqid;
	tmpl->mode = XFRM_MODE_TUNNEL;
	tmpl->aalgos = tmpl->ealgos = tmpl->calgos = ~0;
	msg_end(w, hdr);
}

static void put_policy_id(worker_t *w, child_t *c, int dir, bool del)
{
	struct nlmsghdr *hdr;
	struct xfrm_userpolicy_id *id;

	hdr = msg_start(w, del ? XFRM_MSG_DELPOLICY : XFRM_MSG_GETPOLICY,
					del ? NLM_F_ACK : 0, sizeof(*id));
	id = NLMSG_DATA(hdr);
	pol_sel(c, dir, &id->sel);
	id->dir = dir;
	msg_end(w, hdr);
}

static void put_sa_id(worker_t *w, child_t *c, bool in, bool del)
{
	struct nlmsghdr *hdr;
	struct xfrm_usersa_id *id;

	hdr = msg_start(w, del ? XFRM_MSG_DELSA : XFRM_MSG_GETSA,
					del ? NLM_F_ACK : 0, sizeof(*id));
	id = NLMSG_DATA(hdr);
	id->daddr.a4 = in ? me : c->peer;
	id->spi = in ? c->spi_in : c->spi_out;
	id->family = AF_INET;
	id->proto = IPPROTO_ESP;
	msg_end(w, hdr);
}

/* --- I/O ------------------------------------------------------------------ */

/**
 * Read `expect` answers (ACKs or replies).  With spis, the NEWSA replies to
 * ALLOCSPI set the SPI of child w->pending[seq - base].
 */
static void recv_answers(worker_t *w, int expect, bool spis, uint32_t base)
{
	static __thread char rbuf[1 << 20];
	struct nlmsghdr *hdr;
	ssize_t len;

	while (expect > 0)
	{
		len = recv(w->fd, rbuf, sizeof(rbuf), 0);
		if (len < 0)
		{
			perror("recv");
			exit(1);
		}
		for (hdr = (struct nlmsghdr*)rbuf; NLMSG_OK(hdr, len);
			 hdr = NLMSG_NEXT(hdr, len))
		{
			expect--;
			if (hdr->nlmsg_type == NLMSG_ERROR)
			{
				struct nlmsgerr *err = NLMSG_DATA(hdr);

				if (err->error && !w->fails++)
				{
					fprintf(stderr, "rawfloor: seq %u: %s\n",
							hdr->nlmsg_seq, strerror(-err->error));
				}
			}
			else if (spis && hdr->nlmsg_type == XFRM_MSG_NEWSA)
			{
				struct xfrm_usersa_info *sa = NLMSG_DATA(hdr);

				children[w->pending[hdr->nlmsg_seq - base]].spi_in = sa->id.spi;
			}
		}
	}
}

static void send_all(worker_t *w, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t sent;

	while (off < len)
	{
		sent = send(w->fd, buf + off, len - off, 0);
		if (sent < 0)
		{
			perror("send");
			exit(1);
		}
		off += sent;
	}
}

/** pipelined: write all buffered requests, then read `expect` answers */
static void flush(worker_t *w, int expect, bool spis, uint32_t base)
{
	send_all(w, w->buf, w->len);
	w->len = 0;
	recv_answers(w, expect, spis, base);
}

/** serial: one request, wait for its answer, next request */
static void flush_each(worker_t *w, bool spis, uint32_t base)
{
	struct nlmsghdr *hdr;
	size_t off = 0;

	while (off < w->len)
	{
		hdr = (struct nlmsghdr*)(w->buf + off);
		send_all(w, (char*)hdr, hdr->nlmsg_len);
		recv_answers(w, 1, spis, base);
		off += NLMSG_ALIGN(hdr->nlmsg_len);
	}
	w->len = 0;
}

typedef enum { PH_INSTALL, PH_QUERY, PH_DELETE } phase_t;

/** queue the requests of one child for a phase (after the SPI is known) */
static int queue_child(worker_t *w, child_t *c, phase_t ph)
{
	static const int in_dirs[] = { XFRM_POLICY_IN, XFRM_POLICY_FWD,
								   XFRM_POLICY_OUT };
	static const int del_dirs[] = { XFRM_POLICY_OUT, XFRM_POLICY_IN,
									XFRM_POLICY_FWD };
	int i, n = 0;

	switch (ph)
	{
		case PH_INSTALL:
			if (!policy_only)
			{
				put_sa(w, c, true);
				put_sa(w, c, false);
				n += 2;
			}
			for (i = 0; i < 3; i++, n++)
			{
				put_policy(w, c, in_dirs[i]);
			}
			break;
		case PH_QUERY:
			if (!policy_only)
			{
				put_sa_id(w, c, true, false);
				put_sa_id(w, c, false, false);
				n += 2;
			}
			for (i = 0; i < 3; i++, n++)
			{
				put_policy_id(w, c, in_dirs[i], false);
			}
			break;
		case PH_DELETE:
			for (i = 0; i < 3; i++, n++)
			{
				put_policy_id(w, c, del_dirs[i], true);
			}
			if (!policy_only)
			{
				put_sa_id(w, c, true, true);
				put_sa_id(w, c, false, true);
				n += 2;
			}
			break;
	}
	return n;
}

static phase_t cur_phase;

static void *worker_main(void *arg)
{
	worker_t *w = arg;
	int i, j, k, n, batch = pipeline ?: 1;
	uint32_t base;

	for (i = w->first; i < w->last; i += batch)
	{
		k = i + batch < w->last ? i + batch : w->last;
		if (cur_phase == PH_INSTALL && !policy_only)
		{
			base = w->seq + 1;
			for (j = i; j < k; j++)
			{
				w->pending[j - i] = j;
				put_allocspi(w, &children[j]);
			}
			if (pipeline)
			{
				flush(w, k - i, true, base);
			}
			else
			{
				flush_each(w, true, base);
			}
		}
		n = 0;
		for (j = i; j < k; j++)
		{
			n += queue_child(w, &children[j], cur_phase);
		}
		if (pipeline)
		{
			flush(w, n, false, 0);
		}
		else
		{
			flush_each(w, false, 0);
		}
	}
	return NULL;
}

static void run_phase(const char *name, phase_t ph)
{
	pthread_t threads[MAX_THREADS];
	uint64_t start, total, fails = 0, msgs = 0;
	int i;

	cur_phase = ph;
	for (i = 0; i < n_threads; i++)
	{
		workers[i].fails = workers[i].msgs = 0;
	}
	start = now_ns();
	for (i = 0; i < n_threads; i++)
	{
		pthread_create(&threads[i], NULL, worker_main, &workers[i]);
	}
	for (i = 0; i < n_threads; i++)
	{
		pthread_join(threads[i], NULL);
		fails += workers[i].fails;
		msgs += workers[i].msgs;
	}
	total = now_ns() - start;
	printf("KB phase=%s n=%d threads=%d secs=%.6f ops_per_s=%.1f fails=%lu "
		   "msgs=%lu rss_kb=%ld hwm_kb=%ld\n", name, n_children, n_threads,
		   total / 1e9, n_children / (total / 1e9), fails, msgs,
		   status_kb("VmRSS"), status_kb("VmHWM"));
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int i, on = 1, size = 8 * 1024 * 1024, per, opt;

	while ((opt = getopt_long(argc, argv, "n:", (struct option[]){
				{ "mode", required_argument, NULL, 'm' },
				{ "pipeline", required_argument, NULL, 'p' },
				{ "threads", required_argument, NULL, 't' },
				{ 0, 0, 0, 0 } }, NULL)) != -1)
	{
		switch (opt)
		{
			case 'm': policy_only = !strcmp(optarg, "policy"); break;
			case 'p': pipeline = atoi(optarg); break;
			case 't': n_threads = atoi(optarg); break;
			case 'n': n_children = atoi(optarg); break;
			default:
				fprintf(stderr, "usage: rawfloor [--mode full|policy] [-n N] "
						"[--pipeline K] [--threads T]\n");
				return 2;
		}
	}
	if (n_threads < 1 || n_threads > MAX_THREADS)
	{
		n_threads = 1;
	}
	if (n_children < 1 || n_children > KB_MAX_CHILDREN)
	{
		fprintf(stderr, "-n must be 1 to %d\n", KB_MAX_CHILDREN);
		return 2;
	}
	inet_pton(AF_INET, "192.0.2.1", &me);
	inet_pton(AF_INET, "192.168.0.0", &local_net);
	children = calloc(n_children, sizeof(child_t));
	for (i = 0; i < n_children; i++)
	{
		children[i].peer = htonl(kb_peer(i));
		children[i].remote_net = htonl(10u << 24 | (i & 0xffff) << 8);
		children[i].reqid = i + 1;
		children[i].spi_in = htonl(0xc0000000 | i);
		children[i].spi_out = htonl(0xd0000000 | i);
	}
	per = (n_children + n_threads - 1) / n_threads;
	for (i = 0; i < n_threads; i++)
	{
		worker_t *w = &workers[i];

		w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
		if (w->fd < 0 || bind(w->fd, (struct sockaddr*)&addr, sizeof(addr)))
		{
			perror("netlink socket");
			return 1;
		}
		setsockopt(w->fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
		if (setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		{
			setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
		}
		setsockopt(w->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		w->first = i * per < n_children ? i * per : n_children;
		w->last = (i + 1) * per < n_children ? (i + 1) * per : n_children;
		w->pending = calloc(pipeline + 1, sizeof(int));
		w->size = 65536;
		w->buf = malloc(w->size);
	}
	printf("KB start backend=%s mode=%s n=%d threads=%d pipeline=%d\n",
		   pipeline ? "raw-pipe" : "raw-serial", policy_only ? "policy" : "full",
		   n_children, n_threads, pipeline);
	run_phase("install", PH_INSTALL);
	run_phase("query", PH_QUERY);
	run_phase("delete", PH_DELETE);
	printf("KB end hwm_kb=%ld\n", status_kb("VmHWM"));
	return 0;
}
