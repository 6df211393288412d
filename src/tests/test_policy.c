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

#include "tests.h"
#include "fake_socket.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/xfrm.h>

#include <daemon.h>
#include <kernel_libnl_policy.h>
#include <kernel_libnl_policy_store.h>
#include <kernel_libnl_selector.h>
#include <kernel_libnl_msg.h>
#include <collections/array.h>

static fake_socket_t *fake;
static kernel_libnl_policy_t *policy;

static u_int sent_count()
{
	return array_count(fake->sent);
}

static struct nlmsghdr *sent(int i)
{
	return fake_socket_sent(fake, i);
}

static void setup()
{
	/* the plugin logs through charon's bus (daemon.h's DBG macros) */
	ck_assert(libcharon_init());
	fake = fake_socket_create();
	policy = kernel_libnl_policy_create(&fake->public);
}

static void teardown()
{
	policy->destroy(policy);
	fake_socket_destroy(fake);
	libcharon_deinit();
}

/**
 * An attribute of a request
 */
static void *attr(struct nlmsghdr *hdr, size_t hdrlen, int type, size_t *len)
{
	struct nlattr *a;

	a = nlmsg_find_attr(hdr, hdrlen, type);
	if (!a)
	{
		return NULL;
	}
	if (len)
	{
		*len = nla_len(a);
	}
	return nla_data(a);
}

/**
 * Count the attributes of a type in a message
 */
static int attr_count(struct nlmsghdr *hdr, size_t hdrlen, int type)
{
	struct nlattr *a;
	int rem, n = 0;

	nlmsg_for_each_attr(a, hdr, hdrlen, rem)
	{
		n += nla_type(a) == type;
	}
	return n;
}

/**
 * Policy request data for a CHILD_SA between 192.0.2.1 and 192.0.2.2
 */
typedef struct {
	traffic_selector_t *src_ts, *dst_ts;
	host_t *src, *dst;
	ipsec_sa_cfg_t sa;
	kernel_ipsec_policy_id_t id;
	kernel_ipsec_manage_policy_t data;
} req_t;

static void req_init(req_t *r, policy_dir_t dir, char *src, char *dst,
					 uint32_t reqid)
{
	*r = (req_t){
		.src_ts = traffic_selector_create_from_cidr(src, 0, 0, 65535),
		.dst_ts = traffic_selector_create_from_cidr(dst, 0, 0, 65535),
		.src = host_create_from_string(dir == POLICY_OUT ? "192.0.2.1"
														 : "192.0.2.2", 0),
		.dst = host_create_from_string(dir == POLICY_OUT ? "192.0.2.2"
														 : "192.0.2.1", 0),
		.sa = {
			.mode = MODE_TUNNEL,
			.reqid = reqid,
			.esp = { .use = TRUE, .spi = htonl(0xc1234567) },
		},
	};
	r->id = (kernel_ipsec_policy_id_t){
		.dir = dir,
		.src_ts = r->src_ts,
		.dst_ts = r->dst_ts,
	};
	r->data = (kernel_ipsec_manage_policy_t){
		.type = POLICY_IPSEC,
		.prio = POLICY_PRIORITY_DEFAULT,
		.src = r->src,
		.dst = r->dst,
		.sa = &r->sa,
	};
}

static void req_free(req_t *r)
{
	r->src_ts->destroy(r->src_ts);
	r->dst_ts->destroy(r->dst_ts);
	r->src->destroy(r->src);
	r->dst->destroy(r->dst);
}

START_TEST(test_add_tunnel_out)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_user_tmpl *tmpl;
	struct nlmsghdr *hdr;
	size_t len;
	req_t r;

	req_init(&r, POLICY_OUT, "10.11.94.0/23", "172.16.114.0/24", 5);
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert_int_eq(sent_count(), 1);
	hdr = sent(0);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_NEWPOLICY);
	ck_assert(hdr->nlmsg_flags & NLM_F_REQUEST);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->dir, XFRM_POLICY_OUT);
	ck_assert_int_eq(info->priority, 375935);
	ck_assert_int_eq(info->action, XFRM_POLICY_ALLOW);
	ck_assert_int_eq(info->share, XFRM_SHARE_ANY);
	ck_assert_int_eq(info->flags, 0);
	ck_assert(info->lft.soft_byte_limit == XFRM_INF);
	ck_assert(info->lft.hard_byte_limit == XFRM_INF);
	ck_assert(info->lft.soft_packet_limit == XFRM_INF);
	ck_assert(info->lft.hard_packet_limit == XFRM_INF);
	ck_assert(info->lft.hard_add_expires_seconds == 0);
	ck_assert_int_eq(info->sel.family, AF_INET);
	ck_assert_int_eq(info->sel.prefixlen_s, 23);
	ck_assert_int_eq(info->sel.prefixlen_d, 24);
	ck_assert_int_eq(info->sel.saddr.a4, htonl(0x0a0b5e00));
	ck_assert_int_eq(info->sel.daddr.a4, htonl(0xac107200));
	ck_assert_int_eq(info->sel.proto, 0);
	ck_assert_int_eq(info->sel.sport_mask, 0);

	tmpl = attr(hdr, sizeof(*info), XFRMA_TMPL, &len);
	ck_assert(tmpl);
	ck_assert_int_eq(len, sizeof(*tmpl));
	ck_assert_int_eq(tmpl->id.proto, IPPROTO_ESP);
	ck_assert_int_eq(tmpl->id.spi, htonl(0xc1234567));
	ck_assert_int_eq(tmpl->id.daddr.a4, htonl(0xc0000202));
	ck_assert_int_eq(tmpl->saddr.a4, htonl(0xc0000201));
	ck_assert_int_eq(tmpl->reqid, 5);
	ck_assert_int_eq(tmpl->mode, XFRM_MODE_TUNNEL);
	ck_assert_int_eq(tmpl->family, AF_INET);
	ck_assert_int_eq(tmpl->optional, 0);
	ck_assert(tmpl->aalgos == ~0U);
	ck_assert(tmpl->ealgos == ~0U);
	ck_assert(tmpl->calgos == ~0U);
	ck_assert(!attr(hdr, sizeof(*info), XFRMA_MARK, NULL));
	ck_assert(!attr(hdr, sizeof(*info), XFRMA_IF_ID, NULL));
	ck_assert(!attr(hdr, sizeof(*info), XFRMA_SEC_CTX, NULL));
	ck_assert(!attr(hdr, sizeof(*info), XFRMA_OFFLOAD_DEV, NULL));

	/* last user: DELPOLICY by selector */
	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert_int_eq(sent_count(), 2);
	hdr = sent(1);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_DELPOLICY);
	{
		struct xfrm_userpolicy_id *id = nlmsg_data(hdr);

		ck_assert_int_eq(id->dir, XFRM_POLICY_OUT);
		ck_assert_int_eq(id->sel.prefixlen_s, 23);
		ck_assert_int_eq(id->sel.daddr.a4, htonl(0xac107200));
		ck_assert(!attr(hdr, sizeof(*id), XFRMA_MARK, NULL));
	}
	/* gone */
	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), NOT_FOUND);
	req_free(&r);
}
END_TEST

START_TEST(test_add_inbound_comp)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_user_tmpl *tmpl;
	struct nlmsghdr *hdr;
	size_t len;
	req_t r;

	req_init(&r, POLICY_IN, "10.2.0.0/16", "10.1.0.0/16", 7);
	r.sa.ipcomp.transform = IPCOMP_DEFLATE;
	r.sa.ipcomp.cpi = htons(0x1234);
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(0);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->dir, XFRM_POLICY_IN);
	tmpl = attr(hdr, sizeof(*info), XFRMA_TMPL, &len);
	ck_assert_int_eq(len, 2 * sizeof(*tmpl));
	/* COMP first, optional inbound, in the SA's mode with outer addresses */
	ck_assert_int_eq(tmpl[0].id.proto, IPPROTO_COMP);
	ck_assert_int_eq(tmpl[0].optional, 1);
	ck_assert_int_eq(tmpl[0].mode, XFRM_MODE_TUNNEL);
	ck_assert_int_eq(tmpl[0].saddr.a4, htonl(0xc0000202));
	ck_assert_int_eq(tmpl[0].id.daddr.a4, htonl(0xc0000201));
	/* no SPIs inbound */
	ck_assert_int_eq(tmpl[0].id.spi, 0);
	/* then ESP in transport mode, no addresses */
	ck_assert_int_eq(tmpl[1].id.proto, IPPROTO_ESP);
	ck_assert_int_eq(tmpl[1].optional, 0);
	ck_assert_int_eq(tmpl[1].mode, XFRM_MODE_TRANSPORT);
	ck_assert_int_eq(tmpl[1].id.spi, 0);
	ck_assert_int_eq(tmpl[1].id.daddr.a4, 0);
	ck_assert_int_eq(tmpl[1].reqid, 7);
	req_free(&r);
}
END_TEST

START_TEST(test_add_out_comp_spi)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_user_tmpl *tmpl;
	struct nlmsghdr *hdr;
	size_t len;
	req_t r;

	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 7);
	r.sa.mode = MODE_TRANSPORT;
	r.sa.ipcomp.transform = IPCOMP_DEFLATE;
	r.sa.ipcomp.cpi = htons(0x1234);
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(0);
	info = nlmsg_data(hdr);
	tmpl = attr(hdr, sizeof(*info), XFRMA_TMPL, &len);
	ck_assert_int_eq(len, 2 * sizeof(*tmpl));
	ck_assert_int_eq(tmpl[0].id.proto, IPPROTO_COMP);
	ck_assert_int_eq(tmpl[0].optional, 0);
	ck_assert_int_eq(tmpl[0].mode, XFRM_MODE_TRANSPORT);
	/* CPI as SPI (network order) */
	ck_assert_int_eq(tmpl[0].id.spi, htonl(0x1234));
	ck_assert_int_eq(tmpl[0].saddr.a4, 0);
	ck_assert_int_eq(tmpl[1].id.spi, htonl(0xc1234567));
	req_free(&r);
}
END_TEST

START_TEST(test_add_pass_drop)
{
	struct xfrm_userpolicy_info *info;
	struct nlmsghdr *hdr;
	req_t r;

	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.3.0.0/16", 0);
	r.data.type = POLICY_PASS;
	r.data.prio = POLICY_PRIORITY_PASS;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(0);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->action, XFRM_POLICY_ALLOW);
	ck_assert_int_eq(info->priority, 200000 - 32 * 512 - 1);
	ck_assert(!attr(hdr, sizeof(*info), XFRMA_TMPL, NULL));

	/* a drop policy of the same selector with manual priority, higher
	 * priority (lower value): replaces */
	r.data.type = POLICY_DROP;
	r.data.prio = POLICY_PRIORITY_FALLBACK;
	r.data.manual_prio = 100;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(1);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_UPDPOLICY);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->action, XFRM_POLICY_BLOCK);
	ck_assert_int_eq(info->priority, 100);

	/* removing it re-installs the pass policy */
	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(2);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_UPDPOLICY);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->action, XFRM_POLICY_ALLOW);
	ck_assert_int_eq(info->priority, 200000 - 32 * 512 - 1);
	ck_assert_int_eq(sent_count(), 3);
	req_free(&r);
}
END_TEST

START_TEST(test_sharing)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_user_tmpl *tmpl;
	struct nlmsghdr *hdr;
	req_t trap, child;

	/* trap policy, then a CHILD_SA with the same selectors */
	req_init(&trap, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 1);
	trap.data.prio = POLICY_PRIORITY_ROUTED;
	trap.sa.esp.spi = 0;
	req_init(&child, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 1);
	ck_assert_int_eq(policy->add_policy(policy, &trap.id, &trap.data),
					 SUCCESS);
	ck_assert_int_eq(nlmsg_data(sent(0)) ?
		((struct xfrm_userpolicy_info*)nlmsg_data(sent(0)))->priority : 0,
		400000 - 32 * 512);
	ck_assert_int_eq(policy->add_policy(policy, &child.id, &child.data),
					 SUCCESS);
	hdr = sent(1);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_UPDPOLICY);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->priority, 400000 - 32 * 512 - 1);
	tmpl = attr(hdr, sizeof(*info), XFRMA_TMPL, NULL);
	ck_assert_int_eq(tmpl->id.spi, htonl(0xc1234567));

	/* the same trap again (e.g. another config): recorded only */
	ck_assert_int_eq(policy->add_policy(policy, &trap.id, &trap.data),
					 SUCCESS);
	ck_assert_int_eq(sent_count(), 2);
	ck_assert_int_eq(policy->del_policy(policy, &trap.id, &trap.data),
					 SUCCESS);
	ck_assert_int_eq(sent_count(), 2);

	/* CHILD_SA gone: the trap comes back */
	ck_assert_int_eq(policy->del_policy(policy, &child.id, &child.data),
					 SUCCESS);
	hdr = sent(2);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_UPDPOLICY);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->priority, 400000 - 32 * 512);
	tmpl = attr(hdr, sizeof(*info), XFRMA_TMPL, NULL);
	ck_assert_int_eq(tmpl->id.spi, 0);
	ck_assert_int_eq(policy->del_policy(policy, &trap.id, &trap.data),
					 SUCCESS);
	ck_assert_int_eq(sent(3)->nlmsg_type, XFRM_MSG_DELPOLICY);
	req_free(&trap);
	req_free(&child);
}
END_TEST

START_TEST(test_mark_if_id_iface)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_userpolicy_id *id;
	struct xfrm_mark *mark;
	struct nlmsghdr *hdr;
	uint32_t *if_id;
	size_t len;
	req_t r;

	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 3);
	r.id.mark = (mark_t){ .value = 0x2a, .mask = 0xff };
	r.id.if_id = 0x42;
	r.id.interface = "lo";
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(0);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->sel.ifindex, 1);
	/* interface-bound: -2 */
	ck_assert_int_eq(info->priority, 400000 - 32 * 512 - 1 - 2);
	mark = attr(hdr, sizeof(*info), XFRMA_MARK, &len);
	ck_assert(mark);
	ck_assert_int_eq(len, sizeof(*mark));
	ck_assert_int_eq(mark->v, 0x2a);
	ck_assert_int_eq(mark->m, 0xff);
	if_id = attr(hdr, sizeof(*info), XFRMA_IF_ID, &len);
	ck_assert(if_id);
	ck_assert_int_eq(len, sizeof(*if_id));
	ck_assert_int_eq(*if_id, 0x42);

	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(1);
	id = nlmsg_data(hdr);
	ck_assert_int_eq(id->sel.ifindex, 1);
	mark = attr(hdr, sizeof(*id), XFRMA_MARK, NULL);
	ck_assert(mark && mark->v == 0x2a && mark->m == 0xff);
	if_id = attr(hdr, sizeof(*id), XFRMA_IF_ID, NULL);
	ck_assert(if_id && *if_id == 0x42);
	req_free(&r);
}
END_TEST

START_TEST(test_exists_update)
{
	req_t r;

	/* EEXIST on NEWPOLICY: retried as UPDPOLICY */
	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 3);
	fake->errors[0] = EEXIST;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert_int_eq(sent_count(), 2);
	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_NEWPOLICY);
	ck_assert_int_eq(sent(1)->nlmsg_type, XFRM_MSG_UPDPOLICY);
	req_free(&r);
}
END_TEST

START_TEST(test_failures)
{
	req_t r;

	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 3);
	fake->errors[0] = EINVAL;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), FAILED);
	/* the mapping stays (charon deletes it), the delete fails in the kernel */
	fake->errors[0] = ENOENT;
	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), FAILED);
	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), NOT_FOUND);
	ck_assert_int_eq(sent_count(), 2);
	req_free(&r);
}
END_TEST

START_TEST(test_query)
{
	struct {
		struct nlmsghdr hdr;
		struct xfrm_userpolicy_info info;
	} reply = {
		.hdr = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct xfrm_userpolicy_info)),
			.nlmsg_type = XFRM_MSG_NEWPOLICY,
		},
	};
	struct xfrm_userpolicy_id *id;
	struct xfrm_mark *mark;
	struct nlmsghdr *hdr;
	kernel_ipsec_query_policy_t query = {};
	time_t use_time = 1, now;
	req_t r;

	req_init(&r, POLICY_IN, "10.2.0.0/16", "10.1.0.0/16", 3);
	r.id.mark = (mark_t){ .value = 1, .mask = 0xffffffff };
	r.id.if_id = 9;
	reply.info.curlft.use_time = time(NULL) - 10;
	fake_socket_reply(fake, &reply.hdr);
	ck_assert_int_eq(policy->query_policy(policy, &r.id, &query, &use_time),
					 SUCCESS);
	now = time_monotonic(NULL);
	ck_assert(use_time >= now - 11 && use_time <= now - 9);
	hdr = sent(0);
	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_GETPOLICY);
	id = nlmsg_data(hdr);
	ck_assert_int_eq(id->dir, XFRM_POLICY_IN);
	ck_assert_int_eq(id->sel.prefixlen_s, 16);
	ck_assert_int_eq(id->sel.saddr.a4, htonl(0x0a020000));
	mark = attr(hdr, sizeof(*id), XFRMA_MARK, NULL);
	ck_assert(mark && mark->v == 1 && mark->m == 0xffffffff);
	ck_assert(*(uint32_t*)attr(hdr, sizeof(*id), XFRMA_IF_ID, NULL) == 9);

	/* never used */
	((struct xfrm_userpolicy_info*)nlmsg_data(fake->reply))->curlft.use_time = 0;
	ck_assert_int_eq(policy->query_policy(policy, &r.id, &query, &use_time),
					 SUCCESS);
	ck_assert_int_eq(use_time, 0);

	/* not found */
	fake->errors[0] = ENOENT;
	ck_assert_int_eq(policy->query_policy(policy, &r.id, &query, &use_time),
					 FAILED);
	req_free(&r);
}
END_TEST

START_TEST(test_flush)
{
	ck_assert_int_eq(policy->flush_policies(policy), SUCCESS);
	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_FLUSHPOLICY);
	ck_assert_int_eq(sent(0)->nlmsg_len, NLMSG_LENGTH(0));
	fake->errors[0] = EPERM;
	ck_assert_int_eq(policy->flush_policies(policy), FAILED);
}
END_TEST

START_TEST(test_ipv6_ports)
{
	struct xfrm_userpolicy_info *info;
	struct nlmsghdr *hdr;
	req_t r;

	req_init(&r, POLICY_OUT, "2001:db8:1::/48", "2001:db8:2::/48", 3);
	r.src_ts->destroy(r.src_ts);
	r.src_ts = traffic_selector_create_from_cidr("2001:db8:1::/48",
												 IPPROTO_TCP, 1024, 2047);
	r.id.src_ts = r.src_ts;
	r.src->destroy(r.src);
	r.dst->destroy(r.dst);
	r.src = host_create_from_string("2001:db8::1", 0);
	r.dst = host_create_from_string("2001:db8::2", 0);
	r.data.src = r.src;
	r.data.dst = r.dst;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	hdr = sent(0);
	info = nlmsg_data(hdr);
	ck_assert_int_eq(info->sel.family, AF_INET6);
	ck_assert_int_eq(info->sel.proto, IPPROTO_TCP);
	ck_assert_int_eq(ntohs(info->sel.sport), 1024);
	ck_assert_int_eq(ntohs(info->sel.sport_mask), 0xfc00);
	ck_assert_int_eq(info->priority, 400000 - 96 * 512 - 256 - 6 * 4 - 1);
	{
		struct xfrm_user_tmpl *tmpl;

		tmpl = attr(hdr, sizeof(*info), XFRMA_TMPL, NULL);
		ck_assert_int_eq(tmpl->family, AF_INET6);
		ck_assert(tmpl->id.daddr.a6[3] == htonl(2));
	}
	req_free(&r);
}
END_TEST

/**
 * Label lengths (without the NUL) for test_label: a usual one, the largest
 * libnl builds and one that is appended raw
 */
static int label_lens[] = { 0, KL_LIBNL_MAX_LABEL - 1, 3000 };

START_TEST(test_label)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_userpolicy_id *id;
	struct xfrm_user_sec_ctx *ctx;
	struct xfrm_user_tmpl *tmpl;
	kernel_ipsec_query_policy_t query = {};
	sec_label_t *label;
	time_t use_time;
	char *str = "system_u:object_r:ipsec_spd_t:s0", buf[4096];
	size_t len;
	req_t r;

	if (label_lens[_i])
	{	/* a long MLS category list */
		memset(buf, 'c', label_lens[_i]);
		memcpy(buf, str, strlen(str));
		buf[label_lens[_i]] = '\0';
		str = buf;
	}
	label = sec_label_from_string(str);
	ck_assert(label);
	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 3);
	r.id.label = label;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	info = nlmsg_data(sent(0));
	ctx = attr(sent(0), sizeof(*info), XFRMA_SEC_CTX, &len);
	ck_assert(ctx);
	ck_assert_int_eq(len, sizeof(*ctx) + ctx->ctx_len);
	ck_assert_int_eq(ctx->exttype, XFRMA_SEC_CTX);
	ck_assert_int_eq(ctx->len, len);
	ck_assert_int_eq(ctx->ctx_doi, XFRM_SC_DOI_LSM);
	ck_assert_int_eq(ctx->ctx_alg, XFRM_SC_ALG_SELINUX);
	ck_assert(chunk_equals(chunk_create((u_char*)(ctx + 1), ctx->ctx_len),
						   label->get_encoding(label)));
	/* exactly one, from libnl or raw */
	ck_assert_int_eq(attr_count(sent(0), sizeof(*info), XFRMA_SEC_CTX), 1);
	/* no SPI in the template: SAs with any matching label apply */
	tmpl = attr(sent(0), sizeof(*info), XFRMA_TMPL, NULL);
	ck_assert_int_eq(tmpl->id.spi, 0);

	/* the label is part of the key */
	r.id.label = NULL;
	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), NOT_FOUND);
	r.id.label = label;

	fake->errors[0] = ENOENT;
	ck_assert_int_eq(policy->query_policy(policy, &r.id, &query, &use_time),
					 FAILED);
	id = nlmsg_data(sent(1));
	ck_assert_int_eq(sent(1)->nlmsg_type, XFRM_MSG_GETPOLICY);
	ck_assert(attr(sent(1), sizeof(*id), XFRMA_SEC_CTX, NULL));

	ck_assert_int_eq(policy->del_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert_int_eq(sent(2)->nlmsg_type, XFRM_MSG_DELPOLICY);
	ctx = attr(sent(2), sizeof(*id), XFRMA_SEC_CTX, &len);
	ck_assert(ctx && ctx->ctx_len == label->get_encoding(label).len);
	ck_assert_int_eq(len, sizeof(*ctx) + ctx->ctx_len);
	ck_assert_int_eq(ctx->len, len);
	ck_assert(chunk_equals(chunk_create((u_char*)(ctx + 1), ctx->ctx_len),
						   label->get_encoding(label)));
	label->destroy(label);
	req_free(&r);
}
END_TEST

START_TEST(test_port_bypass)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_userpolicy_id *id;
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert(fd >= 0);
	ck_assert(bind(fd, (struct sockaddr*)&addr, sizeof(addr)) == 0);
	ck_assert(getsockname(fd, (struct sockaddr*)&addr, &len) == 0);
	ck_assert(policy->add_port_bypass(policy, fd, AF_INET));
	ck_assert_int_eq(sent_count(), 2);

	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_NEWPOLICY);
	info = nlmsg_data(sent(0));
	ck_assert_int_eq(info->dir, XFRM_POLICY_IN);
	ck_assert_int_eq(info->priority, 32);
	ck_assert_int_eq(info->action, XFRM_POLICY_ALLOW);
	ck_assert_int_eq(info->sel.family, AF_INET);
	ck_assert_int_eq(info->sel.proto, IPPROTO_UDP);
	ck_assert_int_eq(info->sel.dport, addr.sin_port);
	ck_assert_int_eq(info->sel.dport_mask, 0xffff);
	ck_assert_int_eq(info->sel.sport_mask, 0);
	ck_assert(!attr(sent(0), sizeof(*info), XFRMA_TMPL, NULL));

	info = nlmsg_data(sent(1));
	ck_assert_int_eq(info->dir, XFRM_POLICY_OUT);
	ck_assert_int_eq(info->sel.sport, addr.sin_port);
	ck_assert_int_eq(info->sel.sport_mask, 0xffff);
	ck_assert_int_eq(info->sel.dport_mask, 0);

	/* removed on destroy */
	policy->destroy(policy);
	policy = kernel_libnl_policy_create(&fake->public);
	ck_assert_int_eq(sent_count(), 4);
	ck_assert_int_eq(sent(2)->nlmsg_type, XFRM_MSG_DELPOLICY);
	id = nlmsg_data(sent(2));
	ck_assert_int_eq(id->dir, XFRM_POLICY_OUT);
	ck_assert_int_eq(id->sel.sport, addr.sin_port);
	id = nlmsg_data(sent(3));
	ck_assert_int_eq(id->dir, XFRM_POLICY_IN);
	ck_assert_int_eq(id->sel.dport, addr.sin_port);

	/* failure of the second removes the first */
	fake->errors[1] = EPERM;
	ck_assert(!policy->add_port_bypass(policy, fd, AF_INET));
	ck_assert_int_eq(sent_count(), 7);
	ck_assert_int_eq(sent(6)->nlmsg_type, XFRM_MSG_DELPOLICY);
	close(fd);
}
END_TEST

/**
 * Let the fake kernel answer GETSPDINFO with its default thresholds (IPv4
 * 32/32, IPv6 128/128)
 */
static void spdinfo_reply()
{
	struct {
		struct nlmsghdr hdr;
		uint32_t flags;
		struct nlattr a4;
		struct xfrmu_spdhthresh t4;
		uint16_t pad4;		/* attributes are 4-byte aligned */
		struct nlattr a6;
		struct xfrmu_spdhthresh t6;
		uint16_t pad6;
	} reply = {
		.hdr = {
			.nlmsg_len = sizeof(reply),
			.nlmsg_type = XFRM_MSG_NEWSPDINFO,
		},
		.a4 = { .nla_len = NLA_HDRLEN + 2, .nla_type = XFRMA_SPD_IPV4_HTHRESH },
		.t4 = { .lbits = 32, .rbits = 32 },
		.a6 = { .nla_len = NLA_HDRLEN + 2, .nla_type = XFRMA_SPD_IPV6_HTHRESH },
		.t6 = { .lbits = 128, .rbits = 128 },
	};

	fake_socket_reply(fake, &reply.hdr);
}

START_TEST(test_spdh_thresh)
{
	struct xfrmu_spdhthresh *thresh;
	size_t len;

	/* nothing configured: nothing sent */
	ck_assert_int_eq(sent_count(), 0);
	policy->destroy(policy);

	lib->settings->set_int(lib->settings,
			"%s.plugins.kernel-libnl.spdh_thresh.ipv4.lbits", 24, lib->ns);
	lib->settings->set_int(lib->settings,
			"%s.plugins.kernel-libnl.spdh_thresh.ipv6.rbits", 128, lib->ns);
	spdinfo_reply();
	policy = kernel_libnl_policy_create(&fake->public);
	/* one GET for both families; IPv4: SET 24/32 (rbits as the kernel has
	 * it); IPv6: nothing, 128/128 is what the kernel has */
	ck_assert_int_eq(sent_count(), 2);
	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_GETSPDINFO);
	ck_assert_int_eq(sent(1)->nlmsg_type, XFRM_MSG_NEWSPDINFO);
	thresh = attr(sent(1), sizeof(uint32_t), XFRMA_SPD_IPV4_HTHRESH, &len);
	ck_assert(thresh);
	ck_assert_int_eq(len, sizeof(*thresh));
	ck_assert_int_eq(thresh->lbits, 24);
	ck_assert_int_eq(thresh->rbits, 32);
	ck_assert(!attr(sent(1), sizeof(uint32_t), XFRMA_SPD_IPV6_HTHRESH, NULL));

	lib->settings->set_str(lib->settings,
			"%s.plugins.kernel-libnl.spdh_thresh.ipv4.lbits", NULL, lib->ns);
	lib->settings->set_str(lib->settings,
			"%s.plugins.kernel-libnl.spdh_thresh.ipv6.rbits", NULL, lib->ns);
}
END_TEST

START_TEST(test_spdh_auto)
{
	struct xfrmu_spdhthresh *thresh;
	req_t r;
	int i;

	policy->destroy(policy);
	lib->settings->set_bool(lib->settings,
			"%s.plugins.kernel-libnl.spdh_thresh.auto", TRUE, lib->ns);
	spdinfo_reply();
	policy = kernel_libnl_policy_create(&fake->public);
	/* one GETSPDINFO reads the thresholds of both families */
	ck_assert_int_eq(sent_count(), 1);
	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_GETSPDINFO);
	fake_socket_forget(fake);

	/* the first IPv4 and the first IPv6 policy lower their family's
	 * thresholds to their prefixes, without reading them again */
	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/24", 3);
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	req_free(&r);
	req_init(&r, POLICY_OUT, "2001:db8:1::/48", "2001:db8:2::/64", 4);
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	req_free(&r);
	ck_assert_int_eq(sent_count(), 4);
	for (i = 0; i < sent_count(); i++)
	{
		ck_assert(sent(i)->nlmsg_type != XFRM_MSG_GETSPDINFO);
	}
	/* the thresholds go down before the policy is added */
	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_NEWSPDINFO);
	thresh = attr(sent(0), sizeof(uint32_t), XFRMA_SPD_IPV4_HTHRESH, NULL);
	ck_assert(thresh);
	ck_assert_int_eq(thresh->lbits, 16);
	ck_assert_int_eq(thresh->rbits, 24);
	ck_assert_int_eq(sent(2)->nlmsg_type, XFRM_MSG_NEWSPDINFO);
	thresh = attr(sent(2), sizeof(uint32_t), XFRMA_SPD_IPV6_HTHRESH, NULL);
	ck_assert(thresh);
	ck_assert_int_eq(thresh->lbits, 48);
	ck_assert_int_eq(thresh->rbits, 64);

	lib->settings->set_str(lib->settings,
			"%s.plugins.kernel-libnl.spdh_thresh.auto", NULL, lib->ns);
}
END_TEST

START_TEST(test_policy_update)
{
	req_t r;

	policy->destroy(policy);
	lib->settings->set_bool(lib->settings,
			"%s.plugins.kernel-libnl.policy_update", TRUE, lib->ns);
	policy = kernel_libnl_policy_create(&fake->public);
	lib->settings->set_str(lib->settings,
			"%s.plugins.kernel-libnl.policy_update", NULL, lib->ns);

	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 3);
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert_int_eq(sent(0)->nlmsg_type, XFRM_MSG_UPDPOLICY);
	req_free(&r);
}
END_TEST

#if HAVE_DECL_HW_OFFLOAD_PACKET
START_TEST(test_offload)
{
	struct xfrm_userpolicy_info *info;
	struct xfrm_user_offload *offload;
	req_t r;

	/* packet offload to the policy's interface, not for FWD */
	req_init(&r, POLICY_OUT, "10.1.0.0/16", "10.2.0.0/16", 3);
	r.id.interface = "lo";
	r.data.hw_offload = HW_OFFLOAD_AUTO;
	fake->errors[0] = EINVAL;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert_int_eq(sent_count(), 2);
	info = nlmsg_data(sent(0));
	offload = attr(sent(0), sizeof(*info), XFRMA_OFFLOAD_DEV, NULL);
	ck_assert(offload);
	ck_assert_int_eq(offload->ifindex, 1);
	ck_assert_int_eq(offload->flags, XFRM_OFFLOAD_PACKET);
	/* auto: retried without */
	ck_assert(!attr(sent(1), sizeof(*info), XFRMA_OFFLOAD_DEV, NULL));

	r.id.dir = POLICY_FWD;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), SUCCESS);
	ck_assert(!attr(sent(2), sizeof(*info), XFRMA_OFFLOAD_DEV, NULL));

	/* packet offload required but no device */
	r.id.dir = POLICY_IN;
	r.id.interface = NULL;
	r.data.hw_offload = HW_OFFLOAD_PACKET;
	ck_assert_int_eq(policy->add_policy(policy, &r.id, &r.data), FAILED);
	ck_assert_int_eq(sent_count(), 3);
	req_free(&r);
}
END_TEST
#endif

Suite *policy_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("policy");

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_tunnel_out);
	tcase_add_test(tc, test_add_inbound_comp);
	tcase_add_test(tc, test_add_out_comp_spi);
	tcase_add_test(tc, test_add_pass_drop);
	tcase_add_test(tc, test_sharing);
	tcase_add_test(tc, test_mark_if_id_iface);
	tcase_add_test(tc, test_exists_update);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_flush);
	tcase_add_test(tc, test_ipv6_ports);
	tcase_add_loop_test(tc, test_label, 0, countof(label_lens));
	tcase_add_test(tc, test_port_bypass);
	tcase_add_test(tc, test_spdh_thresh);
	tcase_add_test(tc, test_spdh_auto);
	tcase_add_test(tc, test_policy_update);
#if HAVE_DECL_HW_OFFLOAD_PACKET
	tcase_add_test(tc, test_offload);
#endif
	suite_add_tcase(s, tc);

	return s;
}
