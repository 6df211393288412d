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
 * kbench - bulk CHILD_SA install/query/delete and expire-storm benchmark
 * through charon->kernel, in-process (libstrongswan + libcharon, no IKE).
 *
 * The calls and their order are those of charon 5.9.8's child_sa.c /
 * child_create.c for one tunnel-mode ESP CHILD_SA with one TS pair:
 *
 *   install: get_spi(in) alloc_reqid add_sa(in, update) add_sa(out)
 *            add_policy(in) add_policy(fwd) add_policy(out)
 *   query:   query_sa(in) query_sa(out) query_policy(in) query_policy(fwd)
 *            query_policy(out)
 *   delete:  del_policy(out) del_policy(in) del_policy(fwd) del_sa(in)
 *            del_sa(out) release_reqid
 *
 * mode "policy" drops every SA call (runs on a kernel without ESP); mode
 * "expire" installs only the SAs with a short lifetime and counts the
 * expires reaching charon->kernel->expire() (a kernel_listener_t) against
 * what the kernel multicast (an independent monitor socket with a huge
 * receive buffer).
 *
 * Output: lines "KB key=value ..." parsed by bench/report.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include <library.h>
#include <daemon.h>
#include <collections/linked_list.h>
#include <kernel/kernel_listener.h>
#include <plugins/plugin_feature.h>

#include "kb_peer.h"

#define MAX_THREADS 64

#ifndef KBENCH_CONF
#define KBENCH_CONF "bench/kbench.conf"
#endif

typedef enum {
	OP_GET_SPI, OP_ALLOC_REQID, OP_ADD_SA_IN, OP_ADD_SA_OUT, OP_ADD_POL,
	OP_QUERY_SA, OP_QUERY_POL, OP_DEL_POL, OP_DEL_SA, OP_RELEASE_REQID,
	OP_MAX,
} op_t;

static const char *op_names[] = {
	"get_spi", "alloc_reqid", "add_sa_in", "add_sa_out", "add_policy",
	"query_sa", "query_policy", "del_policy", "del_sa", "release_reqid",
};

typedef struct {
	host_t *me, *other;
	traffic_selector_t *my_ts, *other_ts;
	uint32_t reqid, spi_in, spi_out;
	bool installed;
} child_t;

/* configuration */
static int n_children = 1000;
static int n_threads = 1;
static enum { MODE_FULL, MODE_POLICY, MODE_EXPIRE } mode = MODE_FULL;
static uint64_t soft_s = 0, hard_s = 0;
static int expire_wait = 0;
static bool burst = FALSE;
static int event_rcvbuf = 0;

static child_t *children;

/* per-thread accounting */
typedef struct {
	int first, last;
	uint64_t ns[OP_MAX];
	uint64_t count[OP_MAX];
	uint64_t fail[OP_MAX];
} worker_t;

static worker_t workers[MAX_THREADS];

static chunk_t enc_key, int_key;

static uint64_t now_ns()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long proc_status_kb(const char *key)
{
	char line[256];
	long val = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
	{
		return -1;
	}
	while (fgets(line, sizeof(line), f))
	{
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')
		{
			val = strtol(line + strlen(key) + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

#define TIMED(w, op, call) ({ \
	uint64_t _t = now_ns(); \
	status_t _s = (call); \
	(w)->ns[op] += now_ns() - _t; \
	(w)->count[op]++; \
	if (_s != SUCCESS) { (w)->fail[op]++; } \
	_s; })

/**
 * CHILD_SA i: me 192.0.2.1, peer kb_peer(i) in 198.18.0.0/15,
 * local 192.168.0.0/24, remote 10.(i>>8).(i&255).0/24 (unique /24 per CHILD_SA, as in the issue)
 */
static void child_init(int i)
{
	child_t *c = &children[i];
	uint32_t peer = kb_peer(i);
	char buf[64];
	host_t *net;

	c->me = host_create_from_string("192.0.2.1", 4500);
	snprintf(buf, sizeof(buf), "%u.%u.%u.%u", peer >> 24, (peer >> 16) & 255,
			 (peer >> 8) & 255, peer & 255);
	c->other = host_create_from_string(buf, 4500);
	net = host_create_from_string("192.168.0.0", 0);
	c->my_ts = traffic_selector_create_from_subnet(net, 24, 0, 0, 65535);
	snprintf(buf, sizeof(buf), "10.%d.%d.0", (i >> 8) & 255, i & 255);
	net = host_create_from_string(buf, 0);
	c->other_ts = traffic_selector_create_from_subnet(net, 24, 0, 0, 65535);
	/* peers' SPIs for outbound SAs: unique, no kernel allocation */
	c->spi_out = htonl(0xd0000000 | i);
}

static lifetime_cfg_t lifetime(bool inbound)
{
	lifetime_cfg_t lt = {
		.time = { .life = 3600, .rekey = 3240, .jitter = 0 },
	};

	if (mode == MODE_EXPIRE && !burst)
	{
		lt.time.life = hard_s;
		lt.time.rekey = soft_s;
	}
	/* child_sa.c: without jitter no soft expire on the outbound SA */
	if (!lt.time.jitter && !inbound)
	{
		lt.time.rekey = 0;
	}
	return lt;
}

static void sa_cfg(child_t *c, ipsec_sa_cfg_t *my_sa, ipsec_sa_cfg_t *other_sa)
{
	*my_sa = (ipsec_sa_cfg_t){
		.mode = MODE_TUNNEL,
		.reqid = c->reqid,
		.policy_count = 1,
		.esp = { .use = TRUE, .spi = c->spi_in },
	};
	*other_sa = *my_sa;
	other_sa->esp.spi = c->spi_out;
}

static void add_sa(worker_t *w, child_t *c, bool inbound)
{
	linked_list_t *my_ts, *other_ts;
	lifetime_cfg_t lt = lifetime(inbound);
	kernel_ipsec_sa_id_t id = {
		.src = inbound ? c->other : c->me,
		.dst = inbound ? c->me : c->other,
		.spi = inbound ? c->spi_in : c->spi_out,
		.proto = IPPROTO_ESP,
	};
	kernel_ipsec_add_sa_t sa = {
		.reqid = c->reqid,
		.mode = MODE_TUNNEL,
		.lifetime = &lt,
		.enc_alg = ENCR_AES_CBC,
		.enc_key = enc_key,
		.int_alg = AUTH_HMAC_SHA2_256_128,
		.int_key = int_key,
		.replay_window = 32,
		.hw_offload = HW_OFFLOAD_NO,
		.esn = FALSE,
		.copy_df = TRUE,
		.copy_ecn = TRUE,
		.copy_dscp = DSCP_COPY_OUT_ONLY,
		.initiator = TRUE,
		.inbound = inbound,
		.update = inbound,
	};

	my_ts = linked_list_create_with_items(c->my_ts, NULL);
	other_ts = linked_list_create_with_items(c->other_ts, NULL);
	sa.src_ts = inbound ? other_ts : my_ts;
	sa.dst_ts = inbound ? my_ts : other_ts;
	TIMED(w, inbound ? OP_ADD_SA_IN : OP_ADD_SA_OUT,
		  charon->kernel->add_sa(charon->kernel, &id, &sa));
	my_ts->destroy(my_ts);
	other_ts->destroy(other_ts);
}

static void install(worker_t *w, child_t *c)
{
	linked_list_t *my_ts, *other_ts;
	ipsec_sa_cfg_t my_sa, other_sa;

	if (mode != MODE_POLICY)
	{
		if (TIMED(w, OP_GET_SPI, charon->kernel->get_spi(charon->kernel,
							c->other, c->me, IPPROTO_ESP, &c->spi_in)) != SUCCESS)
		{
			return;
		}
	}
	else
	{
		c->spi_in = htonl(0xc0000000 | (c - children));
	}
	my_ts = linked_list_create_with_items(c->my_ts, NULL);
	other_ts = linked_list_create_with_items(c->other_ts, NULL);
	TIMED(w, OP_ALLOC_REQID, charon->kernel->alloc_reqid(charon->kernel,
							my_ts, other_ts, (mark_t){}, (mark_t){}, 0, 0, NULL,
							&c->reqid));
	my_ts->destroy(my_ts);
	other_ts->destroy(other_ts);

	if (mode != MODE_POLICY)
	{
		add_sa(w, c, TRUE);
		add_sa(w, c, FALSE);
	}
	if (mode != MODE_EXPIRE)
	{
		kernel_ipsec_policy_id_t in_id = {
			.dir = POLICY_IN,
			.src_ts = c->other_ts,
			.dst_ts = c->my_ts,
		}, out_id = {
			.dir = POLICY_OUT,
			.src_ts = c->my_ts,
			.dst_ts = c->other_ts,
		};
		kernel_ipsec_manage_policy_t in_pol = {
			.type = POLICY_IPSEC,
			.prio = POLICY_PRIORITY_DEFAULT,
			.src = c->other,
			.dst = c->me,
			.sa = &my_sa,
		}, out_pol = {
			.type = POLICY_IPSEC,
			.prio = POLICY_PRIORITY_DEFAULT,
			.src = c->me,
			.dst = c->other,
			.sa = &other_sa,
		};

		sa_cfg(c, &my_sa, &other_sa);
		TIMED(w, OP_ADD_POL, charon->kernel->add_policy(charon->kernel,
														&in_id, &in_pol));
		in_id.dir = POLICY_FWD;
		TIMED(w, OP_ADD_POL, charon->kernel->add_policy(charon->kernel,
														&in_id, &in_pol));
		TIMED(w, OP_ADD_POL, charon->kernel->add_policy(charon->kernel,
														&out_id, &out_pol));
	}
	c->installed = TRUE;
}

static void query(worker_t *w, child_t *c)
{
	uint64_t bytes, packets;
	time_t t;

	if (mode != MODE_POLICY)
	{
		kernel_ipsec_sa_id_t in = {
			.src = c->other, .dst = c->me, .spi = c->spi_in,
			.proto = IPPROTO_ESP,
		}, out = {
			.src = c->me, .dst = c->other, .spi = c->spi_out,
			.proto = IPPROTO_ESP,
		};
		kernel_ipsec_query_sa_t q = {};

		TIMED(w, OP_QUERY_SA, charon->kernel->query_sa(charon->kernel, &in, &q,
												&bytes, &packets, &t));
		TIMED(w, OP_QUERY_SA, charon->kernel->query_sa(charon->kernel, &out, &q,
												&bytes, &packets, &t));
	}
	if (mode != MODE_EXPIRE)
	{
		kernel_ipsec_policy_id_t id = {
			.dir = POLICY_IN, .src_ts = c->other_ts, .dst_ts = c->my_ts,
		};
		kernel_ipsec_query_policy_t q = {};

		TIMED(w, OP_QUERY_POL, charon->kernel->query_policy(charon->kernel,
												&id, &q, &t));
		id.dir = POLICY_FWD;
		TIMED(w, OP_QUERY_POL, charon->kernel->query_policy(charon->kernel,
												&id, &q, &t));
		id = (kernel_ipsec_policy_id_t){
			.dir = POLICY_OUT, .src_ts = c->my_ts, .dst_ts = c->other_ts,
		};
		TIMED(w, OP_QUERY_POL, charon->kernel->query_policy(charon->kernel,
												&id, &q, &t));
	}
}

static void delete(worker_t *w, child_t *c)
{
	ipsec_sa_cfg_t my_sa, other_sa;

	if (!c->installed)
	{
		return;
	}
	if (mode != MODE_EXPIRE)
	{
		kernel_ipsec_policy_id_t in_id = {
			.dir = POLICY_IN, .src_ts = c->other_ts, .dst_ts = c->my_ts,
		}, out_id = {
			.dir = POLICY_OUT, .src_ts = c->my_ts, .dst_ts = c->other_ts,
		};
		kernel_ipsec_manage_policy_t in_pol = {
			.type = POLICY_IPSEC, .prio = POLICY_PRIORITY_DEFAULT,
			.src = c->other, .dst = c->me, .sa = &my_sa,
		}, out_pol = {
			.type = POLICY_IPSEC, .prio = POLICY_PRIORITY_DEFAULT,
			.src = c->me, .dst = c->other, .sa = &other_sa,
		};

		sa_cfg(c, &my_sa, &other_sa);
		TIMED(w, OP_DEL_POL, charon->kernel->del_policy(charon->kernel,
														&out_id, &out_pol));
		TIMED(w, OP_DEL_POL, charon->kernel->del_policy(charon->kernel,
														&in_id, &in_pol));
		in_id.dir = POLICY_FWD;
		TIMED(w, OP_DEL_POL, charon->kernel->del_policy(charon->kernel,
														&in_id, &in_pol));
	}
	if (mode == MODE_FULL)
	{
		kernel_ipsec_sa_id_t in = {
			.src = c->other, .dst = c->me, .spi = c->spi_in,
			.proto = IPPROTO_ESP,
		}, out = {
			.src = c->me, .dst = c->other, .spi = c->spi_out,
			.proto = IPPROTO_ESP,
		};
		kernel_ipsec_del_sa_t d = {};

		TIMED(w, OP_DEL_SA, charon->kernel->del_sa(charon->kernel, &in, &d));
		TIMED(w, OP_DEL_SA, charon->kernel->del_sa(charon->kernel, &out, &d));
	}
	TIMED(w, OP_RELEASE_REQID, charon->kernel->release_reqid(charon->kernel,
								c->reqid, (mark_t){}, (mark_t){}, 0, 0, NULL));
	c->installed = FALSE;
}

typedef void (*phase_fn_t)(worker_t *w, child_t *c);

static void *worker_main(void *arg)
{
	phase_fn_t fn = ((void**)arg)[0];
	worker_t *w = ((void**)arg)[1];
	int i;

	for (i = w->first; i < w->last; i++)
	{
		fn(w, &children[i]);
	}
	return NULL;
}

static void run_phase(const char *name, phase_fn_t fn)
{
	pthread_t threads[MAX_THREADS];
	void *args[MAX_THREADS][2];
	uint64_t start, total, ns[OP_MAX] = {}, count[OP_MAX] = {},
			 fail[OP_MAX] = {}, fails = 0;
	int i, j, per = (n_children + n_threads - 1) / n_threads;

	for (i = 0; i < n_threads; i++)
	{
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].first = min(i * per, n_children);
		workers[i].last = min((i + 1) * per, n_children);
		args[i][0] = fn;
		args[i][1] = &workers[i];
	}
	start = now_ns();
	if (n_threads == 1)
	{
		worker_main(args[0]);
	}
	else
	{
		for (i = 0; i < n_threads; i++)
		{
			pthread_create(&threads[i], NULL, worker_main, args[i]);
		}
		for (i = 0; i < n_threads; i++)
		{
			pthread_join(threads[i], NULL);
		}
	}
	total = now_ns() - start;

	for (i = 0; i < n_threads; i++)
	{
		for (j = 0; j < OP_MAX; j++)
		{
			ns[j] += workers[i].ns[j];
			count[j] += workers[i].count[j];
			fail[j] += workers[i].fail[j];
			fails += workers[i].fail[j];
		}
	}
	printf("KB phase=%s n=%d threads=%d secs=%.6f ops_per_s=%.1f fails=%lu "
		   "rss_kb=%ld hwm_kb=%ld\n", name, n_children, n_threads, total / 1e9,
		   n_children / (total / 1e9), fails, proc_status_kb("VmRSS"),
		   proc_status_kb("VmHWM"));
	for (j = 0; j < OP_MAX; j++)
	{
		if (count[j])
		{
			printf("KB op=%s phase=%s calls=%lu fails=%lu us_per_call=%.2f\n",
				   op_names[j], name, count[j], fail[j],
				   ns[j] / 1e3 / count[j]);
		}
	}
	fflush(stdout);
}

/* --- expire counting ---------------------------------------------------- */

static volatile int listener_soft, listener_hard;

static bool on_expire(kernel_listener_t *this, uint8_t protocol,
					  uint32_t spi, host_t *dst, bool hard)
{
	__sync_fetch_and_add(hard ? &listener_hard : &listener_soft, 1);
	return TRUE;
}

static kernel_listener_t listener = {
	.expire = on_expire,
};

static volatile int mon_soft, mon_hard, mon_errors, mon_stop;
static int mon_fd = -1;

/**
 * Independent count of what the kernel multicast to XFRMNLGRP_EXPIRE
 */
static void *monitor_main(void *arg)
{
	char buf[65536];
	struct nlmsghdr *hdr;
	ssize_t len;

	while (!mon_stop)
	{
		len = recv(mon_fd, buf, sizeof(buf), 0);
		if (len < 0)
		{
			if (errno == EAGAIN || errno == EINTR)
			{
				continue;
			}
			mon_errors++;
			continue;
		}
		for (hdr = (struct nlmsghdr*)buf; NLMSG_OK(hdr, len);
			 hdr = NLMSG_NEXT(hdr, len))
		{
			if (hdr->nlmsg_type == XFRM_MSG_EXPIRE)
			{
				struct xfrm_user_expire *e = NLMSG_DATA(hdr);

				if (e->hard)
				{
					mon_hard++;
				}
				else
				{
					mon_soft++;
				}
			}
		}
	}
	return NULL;
}

static bool monitor_start(pthread_t *thread)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1 << (XFRMNLGRP_EXPIRE - 1),
	};
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	int size = 256 * 1024 * 1024;

	mon_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
	if (mon_fd < 0 || bind(mon_fd, (struct sockaddr*)&addr, sizeof(addr)))
	{
		return FALSE;
	}
	if (setsockopt(mon_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
	{
		setsockopt(mon_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	setsockopt(mon_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return pthread_create(thread, NULL, monitor_main, NULL) == 0;
}

/**
 * Make the kernel multicast an EXPIRE for every installed SA, as fast as it
 * can: user XFRM_MSG_EXPIRE requests (xfrm_add_sa_expire() calls
 * km_state_expired() like the lifetime timer does), 64 KiB datagrams back
 * to back, no ACKs. Soft first (SAs stay), then hard (SAs are deleted).
 */
static bool send_burst(bool hard)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	size_t size = 65536, len = 0;
	char *buf = malloc(size);
	int fd, i, dir, sndbuf = 8 * 1024 * 1024;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
	if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof(addr)))
	{
		free(buf);
		return FALSE;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));
	for (i = 0; i < n_children; i++)
	{
		for (dir = 0; dir < 2; dir++)
		{
			child_t *c = &children[i];
			struct nlmsghdr *hdr;
			struct xfrm_user_expire *ue;
			host_t *src = dir ? c->me : c->other, *dst = dir ? c->other : c->me;

			if (len + NLMSG_SPACE(sizeof(*ue)) > size)
			{
				if (send(fd, buf, len, 0) < 0)
				{
					perror("burst send");
				}
				len = 0;
			}
			hdr = (struct nlmsghdr*)(buf + len);
			memset(hdr, 0, NLMSG_SPACE(sizeof(*ue)));
			hdr->nlmsg_len = NLMSG_LENGTH(sizeof(*ue));
			hdr->nlmsg_type = XFRM_MSG_EXPIRE;
			hdr->nlmsg_flags = NLM_F_REQUEST;
			hdr->nlmsg_seq = i * 2 + dir + 1;
			ue = NLMSG_DATA(hdr);
			memcpy(&ue->state.id.daddr, dst->get_address(dst).ptr, 4);
			memcpy(&ue->state.saddr, src->get_address(src).ptr, 4);
			ue->state.id.spi = dir ? c->spi_out : c->spi_in;
			ue->state.id.proto = IPPROTO_ESP;
			ue->state.family = AF_INET;
			ue->hard = hard;
			len += NLMSG_SPACE(sizeof(*ue));
		}
	}
	if (len && send(fd, buf, len, 0) < 0)
	{
		perror("burst send");
	}
	close(fd);
	free(buf);
	return TRUE;
}

/**
 * Find the backend's XFRM event socket(s) (NETLINK_XFRM, bound to the
 * EXPIRE group, not our monitor), optionally set their receive buffer,
 * return the effective SO_RCVBUF of the last one (0 if none)
 */
static int event_socket_rcvbuf(int set)
{
	int fd, val, found = 0;
	socklen_t len;

	for (fd = 0; fd < 4096; fd++)
	{
		struct sockaddr_nl addr;
		socklen_t alen = sizeof(addr);

		len = sizeof(val);
		if (fd == mon_fd ||
			getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &val, &len) ||
			val != AF_NETLINK)
		{
			continue;
		}
		len = sizeof(val);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &val, &len) ||
			val != NETLINK_XFRM ||
			getsockname(fd, (struct sockaddr*)&addr, &alen) ||
			!(addr.nl_groups & (1 << (XFRMNLGRP_EXPIRE - 1))))
		{
			continue;
		}
		if (set)
		{
			val = set / 2;
			if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)))
			{
				setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
			}
		}
		len = sizeof(val);
		if (!getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, &len))
		{
			found = val;
		}
	}
	return found;
}

/* --- setup -------------------------------------------------------------- */

/**
 * Which plugin provides the loaded kernel-ipsec feature
 */
static char *ipsec_owner()
{
	enumerator_t *enumerator, *features;
	plugin_t *plugin;
	linked_list_t *list;
	plugin_feature_t *feature;
	static char owner[64] = "none";

	enumerator = lib->plugins->create_plugin_enumerator(lib->plugins);
	while (enumerator->enumerate(enumerator, &plugin, &list))
	{
		features = list->create_enumerator(list);
		while (features->enumerate(features, &feature))
		{
			if (feature->kind == FEATURE_PROVIDE &&
				feature->type == FEATURE_CUSTOM &&
				streq(feature->arg.custom, "kernel-ipsec"))
			{
				snprintf(owner, sizeof(owner), "%s", plugin->get_name(plugin));
			}
		}
		features->destroy(features);
		list->destroy(list);
	}
	enumerator->destroy(enumerator);
	return owner;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: kbench [options]\n"
"  --backend libnl|netlink   kernel-ipsec backend (default netlink)\n"
"  --plugin-dir DIR          where libstrongswan-kernel-libnl.so is\n"
"  --mode full|policy|expire (default full)\n"
"  -n N                      CHILD_SAs (default 1000)\n"
"  --threads T               concurrent installers (default 1)\n"
"  --soft S --hard H         lifetimes for --mode expire (seconds)\n"
"  --wait W                  extra seconds to wait for expires (default 3)\n"
"  --event-rcvbuf B          set the backend's XFRM event socket receive\n"
"                            buffer to B bytes (SO_RCVBUFFORCE B/2: the\n"
"                            kernel doubles it), same for both backends\n"
"  --burst                   expire mode: long lifetimes, then the kernel is\n"
"                            made to send all soft and hard expires at once\n"
"                            (user XFRM_MSG_EXPIRE for every SA)\n"
"  --conf FILE               strongswan.conf (default bench/kbench.conf)\n"
"  --set key=value           override a setting (repeatable)\n"
"  --debug LEVEL             charon log level on stderr (default -1)\n");
}

int main(int argc, char *argv[])
{
	char *backend = "netlink", *plugin_dir = NULL, *conf = NULL, *plugins;
	linked_list_t *sets = linked_list_create();
	enumerator_t *enumerator;
	level_t levels[DBG_MAX];
	int debug = -1, i;
	char *set, *owner;
	long rss_base, rss_inst;
	pthread_t mon;
	bool do_delete = TRUE;

	while (TRUE)
	{
		struct option long_opts[] = {
			{ "backend", required_argument, NULL, 'b' },
			{ "plugin-dir", required_argument, NULL, 'p' },
			{ "mode", required_argument, NULL, 'm' },
			{ "threads", required_argument, NULL, 't' },
			{ "soft", required_argument, NULL, 's' },
			{ "hard", required_argument, NULL, 'H' },
			{ "wait", required_argument, NULL, 'w' },
			{ "conf", required_argument, NULL, 'c' },
			{ "set", required_argument, NULL, 'S' },
			{ "debug", required_argument, NULL, 'd' },
			{ "no-delete", no_argument, NULL, 'D' },
			{ "burst", no_argument, NULL, 'B' },
			{ "event-rcvbuf", required_argument, NULL, 'R' },
			{ "help", no_argument, NULL, 'h' },
			{ 0, 0, 0, 0 }
		};
		switch (getopt_long(argc, argv, "n:h", long_opts, NULL))
		{
			case EOF:
				break;
			case 'b': backend = optarg; continue;
			case 'p': plugin_dir = optarg; continue;
			case 'm':
				if (streq(optarg, "full")) mode = MODE_FULL;
				else if (streq(optarg, "policy")) mode = MODE_POLICY;
				else if (streq(optarg, "expire")) mode = MODE_EXPIRE;
				else { usage(stderr); return 2; }
				continue;
			case 'n': n_children = atoi(optarg); continue;
			case 't': n_threads = max(1, min(MAX_THREADS, atoi(optarg))); continue;
			case 's': soft_s = atoi(optarg); continue;
			case 'H': hard_s = atoi(optarg); continue;
			case 'w': expire_wait = atoi(optarg); continue;
			case 'c': conf = optarg; continue;
			case 'S': sets->insert_last(sets, optarg); continue;
			case 'd': debug = atoi(optarg); continue;
			case 'D': do_delete = FALSE; continue;
			case 'B': burst = TRUE; continue;
			case 'R': event_rcvbuf = atoi(optarg); continue;
			case 'h': usage(stdout); return 0;
			default: usage(stderr); return 2;
		}
		break;
	}
	if (n_children < 1 || n_children > KB_MAX_CHILDREN)
	{
		fprintf(stderr, "-n must be 1 to %d\n", KB_MAX_CHILDREN);
		return 2;
	}
	if (mode == MODE_EXPIRE && !burst && (!hard_s || soft_s >= hard_s))
	{
		fprintf(stderr, "--mode expire needs 0 <= --soft < --hard\n");
		return 2;
	}

	if (!library_init(conf ?: KBENCH_CONF, "charon"))
	{
		fprintf(stderr, "library_init failed\n");
		return 1;
	}
	if (!libcharon_init())
	{
		fprintf(stderr, "libcharon_init failed\n");
		return 1;
	}
	/* no IKE: random ports, no routes (kernel-ipsec work only) */
	lib->settings->set_int(lib->settings, "charon.port", 0);
	lib->settings->set_int(lib->settings, "charon.port_nat_t", 0);
	lib->settings->set_bool(lib->settings, "charon.install_routes", FALSE);
	enumerator = sets->create_enumerator(sets);
	while (enumerator->enumerate(enumerator, &set))
	{
		char *eq = strchr(set, '=');

		if (eq)
		{
			*eq = '\0';
			lib->settings->set_str(lib->settings, set, eq + 1);
		}
	}
	enumerator->destroy(enumerator);

	for (i = 0; i < DBG_MAX; i++)
	{
		levels[i] = debug;
	}
	charon->set_default_loggers(charon, levels, debug >= 0);
	charon->load_loggers(charon);

	if (plugin_dir)
	{
		lib->plugins->add_path(lib->plugins, plugin_dir);
	}
	plugins = streq(backend, "libnl") ?
				"kernel-libnl kernel-netlink nonce random sha1 socket-default" :
				"kernel-netlink nonce random sha1 socket-default";
	if (!charon->initialize(charon, plugins))
	{
		fprintf(stderr, "charon->initialize(%s) failed\n", plugins);
		return 1;
	}
	owner = ipsec_owner();
	if (!streq(owner, streq(backend, "libnl") ? "kernel-libnl" : "kernel-netlink"))
	{
		fprintf(stderr, "kernel-ipsec is owned by '%s', not the requested "
				"backend '%s'\n", owner, backend);
		return 1;
	}
	/* watcher (kernel events) and kernel_handler jobs need workers */
	lib->processor->set_threads(lib->processor, 4);

	enc_key = chunk_alloc(16);
	memset(enc_key.ptr, 0x11, enc_key.len);
	int_key = chunk_alloc(32);
	memset(int_key.ptr, 0x22, int_key.len);

	children = calloc(n_children, sizeof(child_t));
	for (i = 0; i < n_children; i++)
	{
		child_init(i);
	}
	printf("KB start backend=%s owner=%s mode=%s n=%d threads=%d pid=%d\n",
		   backend, owner, mode == MODE_FULL ? "full" :
		   mode == MODE_POLICY ? "policy" : "expire", n_children, n_threads,
		   getpid());
	rss_base = proc_status_kb("VmRSS");

	if (mode == MODE_EXPIRE)
	{
		uint64_t start;
		int expect_soft, expect_hard;

		if (!monitor_start(&mon))
		{
			fprintf(stderr, "expire monitor socket failed: %s\n",
					strerror(errno));
			return 1;
		}
		charon->kernel->add_listener(charon->kernel, &listener);
		printf("KB eventsock rcvbuf=%d\n", event_socket_rcvbuf(event_rcvbuf));
		run_phase("install", install);
		if (burst)
		{
			expect_soft = expect_hard = 2 * n_children;
			start = now_ns();
			send_burst(FALSE);
			send_burst(TRUE);
			printf("KB burst sent=%d secs=%.6f\n", 4 * n_children,
				   (now_ns() - start) / 1e9);
			hard_s = 0;
		}
		else
		{
			expect_soft = soft_s ? n_children : 0;
			expect_hard = 2 * n_children;
		}
		start = now_ns();
		/* wait until the hard expires are due plus a margin */
		while ((now_ns() - start) / 1e9 < hard_s + (expire_wait ?: 3) &&
			   !(listener_hard >= expect_hard && listener_soft >= expect_soft))
		{
			usleep(100000);
		}
		usleep(500000);
		mon_stop = 1;
		pthread_join(mon, NULL);
		printf("KB expire backend=%s n=%d kernel_soft=%d kernel_hard=%d "
			   "charon_soft=%d charon_hard=%d lost_soft=%d lost_hard=%d "
			   "expected_soft=%d expected_hard=%d monitor_errors=%d rcvbuf=%d\n", backend, n_children, mon_soft, mon_hard,
			   listener_soft, listener_hard, mon_soft - listener_soft,
			   mon_hard - listener_hard, expect_soft, expect_hard, mon_errors,
			   event_socket_rcvbuf(0));
		charon->kernel->remove_listener(charon->kernel, &listener);
	}
	else
	{
		run_phase("install", install);
		rss_inst = proc_status_kb("VmRSS");
		printf("KB memory rss_base_kb=%ld rss_installed_kb=%ld "
			   "rss_per_child_b=%.1f\n", rss_base, rss_inst,
			   (rss_inst - rss_base) * 1024.0 / n_children);
		run_phase("query", query);
		if (do_delete)
		{
			run_phase("delete", delete);
		}
	}
	printf("KB end hwm_kb=%ld\n", proc_status_kb("VmHWM"));
	fflush(stdout);

	for (i = 0; i < n_children; i++)
	{
		children[i].me->destroy(children[i].me);
		children[i].other->destroy(children[i].other);
		children[i].my_ts->destroy(children[i].my_ts);
		children[i].other_ts->destroy(children[i].other_ts);
	}
	free(children);
	chunk_clear(&enc_key);
	chunk_clear(&int_key);
	sets->destroy(sets);
	libcharon_deinit();
	library_deinit();
	return 0;
}
