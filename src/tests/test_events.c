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

#include <kernel_libnl_events.h>
#include <kernel_libnl_selector.h>

#include <daemon.h>

#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <arpa/inet.h>
#include <time.h>

/*
 * ---------------------------------------------------------------------------
 * A sink recording what it gets
 * ---------------------------------------------------------------------------
 */

typedef struct {
	kernel_libnl_events_sink_t public;
	u_int acquires, expires, mappings, migrates;
	uint32_t reqid, spi;
	uint8_t proto;
	bool hard;
	policy_dir_t dir;
	char src_ts[64], dst_ts[64], dst[64], remote[64], local[64], label[64];
	u_int soft_count, hard_count;
} test_sink_t;

static test_sink_t sink;

static void ts2str(traffic_selector_t *ts, char *buf, size_t len)
{
	snprintf(buf, len, "%R", ts);
}

static void host2str(host_t *host, char *buf, size_t len)
{
	snprintf(buf, len, "%#H", host);
}

METHOD(kernel_libnl_events_sink_t, sink_acquire, void,
	test_sink_t *this, uint32_t reqid, kernel_acquire_data_t *data)
{
	this->acquires++;
	this->reqid = reqid;
	ts2str(data->src, this->src_ts, sizeof(this->src_ts));
	ts2str(data->dst, this->dst_ts, sizeof(this->dst_ts));
	snprintf(this->label, sizeof(this->label), "%s",
			 data->label ? data->label->get_string(data->label) : "");
}

METHOD(kernel_libnl_events_sink_t, sink_expire, void,
	test_sink_t *this, uint8_t protocol, uint32_t spi, host_t *dst, bool hard)
{
	this->expires++;
	this->proto = protocol;
	this->spi = spi;
	this->hard = hard;
	hard ? this->hard_count++ : this->soft_count++;
	host2str(dst, this->dst, sizeof(this->dst));
}

METHOD(kernel_libnl_events_sink_t, sink_mapping, void,
	test_sink_t *this, uint8_t protocol, uint32_t spi, host_t *dst,
	host_t *remote)
{
	this->mappings++;
	this->proto = protocol;
	this->spi = spi;
	host2str(dst, this->dst, sizeof(this->dst));
	host2str(remote, this->remote, sizeof(this->remote));
}

METHOD(kernel_libnl_events_sink_t, sink_migrate, void,
	test_sink_t *this, uint32_t reqid, traffic_selector_t *src_ts,
	traffic_selector_t *dst_ts, policy_dir_t direction, host_t *local,
	host_t *remote)
{
	this->migrates++;
	this->reqid = reqid;
	this->dir = direction;
	ts2str(src_ts, this->src_ts, sizeof(this->src_ts));
	ts2str(dst_ts, this->dst_ts, sizeof(this->dst_ts));
	host2str(local, this->local, sizeof(this->local));
	host2str(remote, this->remote, sizeof(this->remote));
	/* ownership is ours, as in charon's migrate job */
	src_ts->destroy(src_ts);
	dst_ts->destroy(dst_ts);
	local->destroy(local);
	remote->destroy(remote);
}

/*
 * ---------------------------------------------------------------------------
 * Message construction
 * ---------------------------------------------------------------------------
 */

typedef struct {
	union {
		struct nlmsghdr hdr;
		char buf[4096];
	};
} msgbuf_t;

static void *msg_init(msgbuf_t *m, uint16_t type, size_t fixed)
{
	memset(m, 0, sizeof(*m));
	m->hdr.nlmsg_type = type;
	m->hdr.nlmsg_len = NLMSG_LENGTH(fixed);
	return NLMSG_DATA(&m->hdr);
}

/** append an attribute, returns its payload */
static void *msg_attr(msgbuf_t *m, uint16_t type, size_t len, void *data)
{
	struct nlattr *nla;

	m->hdr.nlmsg_len = NLMSG_ALIGN(m->hdr.nlmsg_len);
	nla = (struct nlattr*)(m->buf + m->hdr.nlmsg_len);
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (data)
	{
		memcpy((char*)nla + NLA_HDRLEN, data, len);
	}
	m->hdr.nlmsg_len += NLA_ALIGN(nla->nla_len);
	return (char*)nla + NLA_HDRLEN;
}

static void addr4(xfrm_address_t *a, char *str)
{
	memset(a, 0, sizeof(*a));
	inet_pton(AF_INET, str, &a->a4);
}

static void addr6(xfrm_address_t *a, char *str)
{
	memset(a, 0, sizeof(*a));
	inet_pton(AF_INET6, str, &a->a6);
}

/** selector of a triggering packet, as the kernel builds it */
static void sel4(struct xfrm_selector *sel, char *src, char *dst,
				 uint8_t proto, uint16_t sport, uint16_t dport)
{
	memset(sel, 0, sizeof(*sel));
	addr4(&sel->saddr, src);
	addr4(&sel->daddr, dst);
	sel->family = AF_INET;
	sel->prefixlen_s = sel->prefixlen_d = 32;
	sel->proto = proto;
	sel->sport = htons(sport);
	sel->dport = htons(dport);
	sel->sport_mask = sport ? 0xffff : 0;
	sel->dport_mask = dport ? 0xffff : 0;
}

static void build_acquire(msgbuf_t *m, uint8_t proto, uint8_t ip_proto,
						  uint16_t sport, uint16_t dport, uint32_t reqid,
						  uint32_t seq)
{
	struct xfrm_user_acquire *acq;
	struct xfrm_user_tmpl tmpl = {
		.reqid = reqid,
		.id = { .proto = proto },
		.family = AF_INET,
	};

	acq = msg_init(m, XFRM_MSG_ACQUIRE, sizeof(*acq));
	acq->id.proto = proto;
	addr4(&acq->id.daddr, "203.0.113.2");
	addr4(&acq->saddr, "203.0.113.1");
	sel4(&acq->sel, "192.0.2.1", "198.51.100.1", ip_proto, sport, dport);
	acq->seq = seq;
	acq->policy.dir = XFRM_POLICY_OUT;
	msg_attr(m, XFRMA_TMPL, sizeof(tmpl), &tmpl);
}

static void build_expire(msgbuf_t *m, uint8_t proto, uint32_t spi, bool hard)
{
	struct xfrm_user_expire *exp;

	exp = msg_init(m, XFRM_MSG_EXPIRE, sizeof(*exp));
	exp->state.id.proto = proto;
	exp->state.id.spi = htonl(spi);
	exp->state.family = AF_INET;
	addr4(&exp->state.id.daddr, "203.0.113.2");
	exp->hard = hard;
}

static kernel_libnl_events_t *events;
static kernel_libnl_registry_t *registry;

static void setup()
{
	/* the plugin logs through charon's bus (daemon.h's DBG macros) */
	ck_assert(libcharon_init());
	memset(&sink, 0, sizeof(sink));
	sink.public = (kernel_libnl_events_sink_t){
		.acquire = (void*)_sink_acquire,
		.expire = (void*)_sink_expire,
		.mapping = (void*)_sink_mapping,
		.migrate = (void*)_sink_migrate,
	};
	registry = kernel_libnl_registry_create();
	events = kernel_libnl_events_create_sink(NULL, registry, &sink.public);
}

static void teardown()
{
	events->destroy(events);
	registry->destroy(registry);
	libcharon_deinit();
}

static void feed(msgbuf_t *m)
{
	events->process(events, m->buf, m->hdr.nlmsg_len, 0);
}

static kernel_libnl_events_stats_t stats()
{
	kernel_libnl_events_stats_t s;

	events->get_stats(events, &s);
	return s;
}

/*
 * ---------------------------------------------------------------------------
 * ACQUIRE
 * ---------------------------------------------------------------------------
 */

START_TEST(test_acquire_icmp)
{
	msgbuf_t m;

	build_acquire(&m, IPPROTO_ESP, IPPROTO_ICMP, 8, 0, 42, 7);
	feed(&m);
	ck_assert_int_eq(sink.acquires, 1);
	ck_assert_int_eq(sink.reqid, 42);
	ck_assert_str_eq(sink.src_ts, "192.0.2.1/32[icmp/8]");
	ck_assert_str_eq(sink.dst_ts, "198.51.100.1/32[icmp/8]");
	ck_assert_int_eq(stats().malformed, 0);
}
END_TEST

START_TEST(test_acquire_tcp)
{
	msgbuf_t m;

	build_acquire(&m, IPPROTO_ESP, IPPROTO_TCP, 40000, 80, 3, 8);
	feed(&m);
	ck_assert_int_eq(sink.acquires, 1);
	ck_assert_int_eq(sink.reqid, 3);
	ck_assert_str_eq(sink.src_ts, "192.0.2.1/32[tcp/40000]");
	ck_assert_str_eq(sink.dst_ts, "198.51.100.1/32[tcp/http]");
}
END_TEST

START_TEST(test_acquire_label)
{
	struct xfrm_user_sec_ctx *ctx;
	char label[] = "system_u:object_r:ipsec_spd_t:s0";
	msgbuf_t m;

	build_acquire(&m, IPPROTO_ESP, 0, 0, 0, 5, 9);
	ctx = msg_attr(&m, XFRMA_SEC_CTX, sizeof(*ctx) + sizeof(label), NULL);
	ctx->ctx_doi = XFRM_SC_DOI_LSM;
	ctx->ctx_alg = XFRM_SC_ALG_SELINUX;
	ctx->ctx_len = sizeof(label);
	ctx->len = sizeof(*ctx) + sizeof(label);
	memcpy(ctx + 1, label, sizeof(label));
	feed(&m);
	ck_assert_int_eq(sink.acquires, 1);
	ck_assert_str_eq(sink.label, label);
}
END_TEST

START_TEST(test_acquire_label_overflow)
{
	struct xfrm_user_sec_ctx *ctx;
	msgbuf_t m;

	build_acquire(&m, IPPROTO_ESP, 0, 0, 0, 5, 9);
	ctx = msg_attr(&m, XFRMA_SEC_CTX, sizeof(*ctx) + 4, NULL);
	ctx->ctx_doi = XFRM_SC_DOI_LSM;
	ctx->ctx_alg = XFRM_SC_ALG_SELINUX;
	ctx->ctx_len = 200;
	feed(&m);
	ck_assert_int_eq(sink.acquires, 0);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

START_TEST(test_acquire_ipcomp)
{
	msgbuf_t m;

	build_acquire(&m, IPPROTO_COMP, 0, 0, 0, 5, 9);
	feed(&m);
	ck_assert_int_eq(sink.acquires, 0);
	ck_assert_int_eq(stats().malformed, 0);
	ck_assert_int_eq(stats().received, 1);
}
END_TEST

START_TEST(test_acquire_truncated)
{
	msgbuf_t m;

	build_acquire(&m, IPPROTO_ESP, 0, 0, 0, 5, 9);
	m.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct xfrm_user_acquire) - 1);
	feed(&m);
	ck_assert_int_eq(sink.acquires, 0);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

START_TEST(test_acquire_short_tmpl)
{
	struct xfrm_user_acquire *acq;
	uint32_t reqid = 5;
	msgbuf_t m;

	acq = msg_init(&m, XFRM_MSG_ACQUIRE, sizeof(*acq));
	acq->id.proto = IPPROTO_ESP;
	sel4(&acq->sel, "192.0.2.1", "198.51.100.1", 0, 0, 0);
	msg_attr(&m, XFRMA_TMPL, sizeof(reqid), &reqid);
	feed(&m);
	ck_assert_int_eq(sink.acquires, 0);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

START_TEST(test_acquire_attr_overrun)
{
	struct nlattr *nla;
	msgbuf_t m;

	build_acquire(&m, IPPROTO_ESP, 0, 0, 0, 5, 9);
	/* the attribute claims more than the message holds */
	nla = (struct nlattr*)(m.buf + NLMSG_LENGTH(
						NLMSG_ALIGN(sizeof(struct xfrm_user_acquire))));
	nla->nla_len += 64;
	feed(&m);
	ck_assert_int_eq(sink.acquires, 0);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

START_TEST(test_acquire_no_tmpl)
{
	struct xfrm_user_acquire *acq;
	msgbuf_t m;

	acq = msg_init(&m, XFRM_MSG_ACQUIRE, sizeof(*acq));
	acq->id.proto = IPPROTO_ESP;
	sel4(&acq->sel, "192.0.2.1", "198.51.100.1", 0, 0, 0);
	/* an unknown attribute and padding at the end are fine */
	msg_attr(&m, 200, 3, "abc");
	feed(&m);
	ck_assert_int_eq(sink.acquires, 1);
	ck_assert_int_eq(sink.reqid, 0);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * EXPIRE, POLEXPIRE
 * ---------------------------------------------------------------------------
 */

START_TEST(test_expire)
{
	msgbuf_t m;

	build_expire(&m, IPPROTO_ESP, 0xc0000001, FALSE);
	feed(&m);
	ck_assert_int_eq(sink.expires, 1);
	ck_assert_int_eq(sink.proto, IPPROTO_ESP);
	ck_assert_int_eq(sink.spi, htonl(0xc0000001));
	ck_assert(!sink.hard);
	ck_assert_str_eq(sink.dst, "203.0.113.2");

	build_expire(&m, IPPROTO_AH, 0xc0000002, TRUE);
	feed(&m);
	ck_assert_int_eq(sink.expires, 2);
	ck_assert_int_eq(sink.proto, IPPROTO_AH);
	ck_assert(sink.hard);

	build_expire(&m, IPPROTO_COMP, 0x1000, TRUE);
	feed(&m);
	ck_assert_int_eq(sink.expires, 2);

	/* a larval acquire state timed out */
	build_expire(&m, IPPROTO_ESP, 0, TRUE);
	feed(&m);
	ck_assert_int_eq(sink.expires, 2);
	ck_assert_int_eq(stats().malformed, 0);
}
END_TEST

START_TEST(test_expire_dedup)
{
	host_t *dst;
	mark_t mark = {};
	msgbuf_t m;

	dst = host_create_from_string("203.0.113.2", 0);
	registry->add(registry, IPPROTO_ESP, htonl(0xc0000001), dst, mark);

	build_expire(&m, IPPROTO_ESP, 0xc0000001, FALSE);
	feed(&m);
	feed(&m);
	ck_assert_int_eq(sink.soft_count, 1);
	build_expire(&m, IPPROTO_ESP, 0xc0000001, TRUE);
	feed(&m);
	feed(&m);
	ck_assert_int_eq(sink.hard_count, 1);
	dst->destroy(dst);
}
END_TEST

START_TEST(test_expire_family)
{
	struct xfrm_user_expire *exp;
	msgbuf_t m;

	build_expire(&m, IPPROTO_ESP, 0xc0000001, FALSE);
	exp = NLMSG_DATA(&m.hdr);
	exp->state.family = 99;
	feed(&m);
	ck_assert_int_eq(sink.expires, 0);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

START_TEST(test_expire_multi)
{
	msgbuf_t m;
	char buf[2048];
	size_t len;

	/* two messages in one datagram */
	build_expire(&m, IPPROTO_ESP, 0xc0000001, FALSE);
	len = NLMSG_ALIGN(m.hdr.nlmsg_len);
	memcpy(buf, m.buf, len);
	build_expire(&m, IPPROTO_ESP, 0xc0000002, TRUE);
	memcpy(buf + len, m.buf, m.hdr.nlmsg_len);
	len += m.hdr.nlmsg_len;
	events->process(events, buf, len, 0);
	ck_assert_int_eq(sink.expires, 2);
	ck_assert_int_eq(sink.spi, htonl(0xc0000002));

	/* a trailing header that claims more than the datagram has */
	events->process(events, buf, len - 8, 0);
	ck_assert_int_eq(sink.expires, 3);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

START_TEST(test_polexpire)
{
	struct xfrm_user_polexpire *exp;
	msgbuf_t m;

	exp = msg_init(&m, XFRM_MSG_POLEXPIRE, sizeof(*exp));
	sel4(&exp->pol.sel, "192.0.2.0", "198.51.100.0", 0, 0, 0);
	exp->pol.sel.prefixlen_s = exp->pol.sel.prefixlen_d = 24;
	exp->pol.dir = XFRM_POLICY_OUT;
	exp->pol.index = 4711;
	exp->hard = 1;
	feed(&m);
	ck_assert_int_eq(sink.expires + sink.acquires, 0);
	ck_assert_int_eq(stats().unknown, 0);
	ck_assert_int_eq(stats().malformed, 0);

	m.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(*exp) - 4);
	feed(&m);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * MAPPING
 * ---------------------------------------------------------------------------
 */

static struct xfrm_user_mapping *build_mapping(msgbuf_t *m, uint8_t proto,
											   uint16_t old_sport)
{
	struct xfrm_user_mapping *map;

	map = msg_init(m, XFRM_MSG_MAPPING, sizeof(*map));
	map->id.proto = proto;
	map->id.spi = htonl(0xc0000003);
	map->id.family = AF_INET;
	addr4(&map->id.daddr, "203.0.113.1");
	addr4(&map->old_saddr, "198.51.100.9");
	addr4(&map->new_saddr, "198.51.100.9");
	map->old_sport = htons(old_sport);
	map->new_sport = htons(1025);
	map->reqid = 1;
	return map;
}

START_TEST(test_mapping)
{
	msgbuf_t m;

	build_mapping(&m, IPPROTO_ESP, 4500);
	feed(&m);
	ck_assert_int_eq(sink.mappings, 1);
	ck_assert_int_eq(sink.spi, htonl(0xc0000003));
	ck_assert_str_eq(sink.dst, "203.0.113.1");
	ck_assert_str_eq(sink.remote, "198.51.100.9[1025]");

	/* old port 0: per-CPU encap SA, ignored */
	build_mapping(&m, IPPROTO_ESP, 0);
	feed(&m);
	ck_assert_int_eq(sink.mappings, 1);
	/* AH has no mappings */
	build_mapping(&m, IPPROTO_AH, 4500);
	feed(&m);
	ck_assert_int_eq(sink.mappings, 1);
	/* truncated */
	build_mapping(&m, IPPROTO_ESP, 4500);
	m.hdr.nlmsg_len -= 2;
	feed(&m);
	ck_assert_int_eq(sink.mappings, 1);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * MIGRATE
 * ---------------------------------------------------------------------------
 */

static void build_migrate(msgbuf_t *m, bool kmaddress, bool v6)
{
	struct xfrm_userpolicy_id *id;
	struct xfrm_user_migrate mig = {
		.proto = IPPROTO_ESP,
		.mode = XFRM_MODE_TUNNEL,
		.reqid = 17,
		.old_family = AF_INET,
		.new_family = AF_INET,
	};
	struct xfrm_user_kmaddress km = {
		.family = v6 ? AF_INET6 : AF_INET,
	};

	id = msg_init(m, XFRM_MSG_MIGRATE, sizeof(*id));
	sel4(&id->sel, "10.1.0.0", "10.2.0.0", 0, 0, 0);
	id->sel.prefixlen_s = id->sel.prefixlen_d = 16;
	id->dir = XFRM_POLICY_OUT;
	if (kmaddress)
	{
		if (v6)
		{
			addr6(&km.local, "2001:db8::1");
			addr6(&km.remote, "2001:db8::2");
		}
		else
		{
			addr4(&km.local, "203.0.113.5");
			addr4(&km.remote, "203.0.113.6");
		}
		msg_attr(m, XFRMA_KMADDRESS, sizeof(km), &km);
	}
	addr4(&mig.old_saddr, "203.0.113.1");
	addr4(&mig.old_daddr, "203.0.113.2");
	addr4(&mig.new_saddr, "203.0.113.5");
	addr4(&mig.new_daddr, "203.0.113.6");
	msg_attr(m, XFRMA_MIGRATE, sizeof(mig), &mig);
}

START_TEST(test_migrate)
{
	msgbuf_t m;

	build_migrate(&m, TRUE, FALSE);
	feed(&m);
	ck_assert_int_eq(sink.migrates, 1);
	ck_assert_int_eq(sink.reqid, 17);
	ck_assert_int_eq(sink.dir, POLICY_OUT);
	ck_assert_str_eq(sink.src_ts, "10.1.0.0/16");
	ck_assert_str_eq(sink.dst_ts, "10.2.0.0/16");
	ck_assert_str_eq(sink.local, "203.0.113.5");
	ck_assert_str_eq(sink.remote, "203.0.113.6");

	build_migrate(&m, TRUE, TRUE);
	feed(&m);
	ck_assert_int_eq(sink.migrates, 2);
	ck_assert_str_eq(sink.local, "2001:db8::1");
}
END_TEST

START_TEST(test_migrate_no_kmaddress)
{
	msgbuf_t m;

	build_migrate(&m, FALSE, FALSE);
	feed(&m);
	ck_assert_int_eq(sink.migrates, 0);
	ck_assert_int_eq(stats().malformed, 0);
}
END_TEST

START_TEST(test_migrate_short_kmaddress)
{
	struct xfrm_userpolicy_id *id;
	char km[20] = {};
	msgbuf_t m;

	id = msg_init(&m, XFRM_MSG_MIGRATE, sizeof(*id));
	sel4(&id->sel, "10.1.0.0", "10.2.0.0", 0, 0, 0);
	msg_attr(&m, XFRMA_KMADDRESS, sizeof(km), km);
	feed(&m);
	ck_assert_int_eq(sink.migrates, 0);
	ck_assert_int_eq(stats().malformed, 1);
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * Dispatch
 * ---------------------------------------------------------------------------
 */

START_TEST(test_unknown_type)
{
	msgbuf_t m;

	msg_init(&m, XFRM_MSG_REPORT, 64);
	feed(&m);
	msg_init(&m, XFRM_MSG_NEWSA, 300);
	feed(&m);
	msg_init(&m, 9999, 8);
	feed(&m);
	ck_assert_int_eq(stats().unknown, 3);
	ck_assert_int_eq(sink.acquires + sink.expires + sink.mappings +
					 sink.migrates, 0);
}
END_TEST

START_TEST(test_foreign)
{
	msgbuf_t m;

	build_expire(&m, IPPROTO_ESP, 0xc0000001, TRUE);
	events->process(events, m.buf, m.hdr.nlmsg_len, 4711);
	ck_assert_int_eq(sink.expires, 0);
	ck_assert_int_eq(stats().foreign, 1);
	ck_assert_int_eq(stats().received, 0);
}
END_TEST

START_TEST(test_garbage)
{
	char buf[64];
	int i;

	for (i = 0; i < sizeof(buf); i++)
	{
		buf[i] = random();
	}
	for (i = 0; i <= sizeof(buf); i++)
	{	/* must not crash, whatever it makes of it */
		events->process(events, buf, i, 0);
	}
}
END_TEST

/*
 * ---------------------------------------------------------------------------
 * Resync
 * ---------------------------------------------------------------------------
 */

typedef struct {
	kernel_libnl_socket_t public;
	/** SAs in the "kernel", as NEWSA messages */
	msgbuf_t sad[8];
	u_int count;
	/** SPI (host order) a GETSA still finds although the dump missed it */
	uint32_t updating_spi;
	/** SPI (host order) charon deletes while the resync runs */
	uint32_t deleting_spi;
	u_int dumps, gets;
} fake_socket_t;

METHOD(kernel_libnl_socket_t, fake_request, status_t,
	fake_socket_t *this, struct nl_msg *msg, kernel_libnl_reply_cb_t cb,
	void *user, kernel_libnl_error_t *err)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct xfrm_usersa_id *id;
	status_t status = SUCCESS;
	int i;

	ck_assert_int_eq(hdr->nlmsg_type, XFRM_MSG_GETSA);
	if ((hdr->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
	{
		this->dumps++;
		for (i = 0; i < this->count; i++)
		{
			cb(user, &this->sad[i].hdr);
		}
	}
	else
	{
		this->gets++;
		ck_assert(hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(*id)));
		id = NLMSG_DATA(hdr);
		status = ntohl(id->spi) == this->updating_spi ? SUCCESS : NOT_FOUND;
		if (ntohl(id->spi) == this->deleting_spi)
		{
			host_t *dst = host_create_from_string("203.0.113.2", 0);

			registry->remove(registry, IPPROTO_ESP, id->spi, dst);
			dst->destroy(dst);
		}
	}
	if (err)
	{
		*err = (kernel_libnl_error_t){};
	}
	kernel_libnl_msg_free(msg);
	return status;
}

static struct xfrm_usersa_info *fake_sa(fake_socket_t *s, uint8_t proto,
										uint32_t spi)
{
	struct xfrm_usersa_info *info;
	msgbuf_t *m = &s->sad[s->count++];
	char key[36];

	info = msg_init(m, XFRM_MSG_NEWSA, sizeof(*info));
	m->hdr.nlmsg_flags = NLM_F_MULTI;
	info->id.proto = proto;
	info->id.spi = htonl(spi);
	info->family = AF_INET;
	addr4(&info->id.daddr, "203.0.113.2");
	addr4(&info->saddr, "203.0.113.1");
	info->lft.soft_byte_limit = info->lft.hard_byte_limit = XFRM_INF;
	info->lft.soft_packet_limit = info->lft.hard_packet_limit = XFRM_INF;
	info->curlft.add_time = time(NULL);
	info->lft.soft_add_expires_seconds = 3000;
	info->lft.hard_add_expires_seconds = 3600;
	info->reqid = 1;
	memset(key, 0x55, sizeof(key));
	msg_attr(m, XFRMA_ALG_AEAD, sizeof(key), key);
	return info;
}

START_TEST(test_resync)
{
	fake_socket_t sock = {
		.public = {
			.request = (void*)_fake_request,
		},
		.updating_spi = 0xc0000004,
		.deleting_spi = 0xc0000007,
	};
	struct xfrm_usersa_info *info;
	kernel_libnl_events_stats_t s;
	host_t *dst;
	mark_t mark = {};
	msgbuf_t m;
	int i;

	events->destroy(events);
	events = kernel_libnl_events_create_sink(&sock.public, registry,
											 &sink.public);
	dst = host_create_from_string("203.0.113.2", 0);
	for (i = 1; i <= 7; i++)
	{
		registry->add(registry, IPPROTO_ESP, htonl(0xc0000000 + i), dst, mark);
	}
	/* 1: fine */
	fake_sa(&sock, IPPROTO_ESP, 0xc0000001);
	/* 2: past its soft byte limit, unreported */
	info = fake_sa(&sock, IPPROTO_ESP, 0xc0000002);
	info->lft.soft_byte_limit = 1000;
	info->curlft.bytes = 1000;
	/* 3: vanished */
	/* 4: missing from the dump, but still there (being updated) */
	/* 7: missing from the dump, deleted by charon meanwhile */
	/* 5: past its soft time, soft expire delivered already */
	info = fake_sa(&sock, IPPROTO_ESP, 0xc0000005);
	info->curlft.add_time = time(NULL) - 3001;
	ck_assert(registry->expired(registry, IPPROTO_ESP, htonl(0xc0000005), dst,
								FALSE));
	/* 6: past its soft time, unreported */
	info = fake_sa(&sock, IPPROTO_ESP, 0xc0000006);
	info->curlft.add_time = time(NULL) - 3001;
	/* larval states of two acquires, one of them delivered */
	info = fake_sa(&sock, IPPROTO_ESP, 0);
	info->seq = 100;
	info->reqid = 9;
	sel4(&info->sel, "192.0.2.1", "198.51.100.1", IPPROTO_TCP, 40000, 443);
	info = fake_sa(&sock, IPPROTO_ESP, 0);
	info->seq = 101;
	info->reqid = 9;
	sel4(&info->sel, "192.0.2.1", "198.51.100.1", IPPROTO_UDP, 40000, 53);
	build_acquire(&m, IPPROTO_ESP, IPPROTO_UDP, 40000, 53, 9, 101);
	feed(&m);
	ck_assert_int_eq(sink.acquires, 1);
	/* an unknown SA (not ours) past its soft limit is not touched */
	info = fake_sa(&sock, IPPROTO_ESP, 0xd0000000);
	info->curlft.add_time = time(NULL) - 3001;

	ck_assert(events->resync(events));
	ck_assert_int_eq(sock.dumps, 1);
	ck_assert_int_eq(sock.gets, 3);
	ck_assert_int_eq(sink.soft_count, 2);
	ck_assert_int_eq(sink.hard_count, 1);
	ck_assert_int_eq(sink.acquires, 2);
	ck_assert_int_eq(sink.reqid, 9);
	ck_assert_str_eq(sink.src_ts, "192.0.2.1/32[tcp/40000]");
	ck_assert_str_eq(sink.dst_ts, "198.51.100.1/32[tcp/https]");
	events->get_stats(events, &s);
	ck_assert_int_eq(s.resyncs, 1);
	ck_assert_int_eq(s.resync_soft, 2);
	ck_assert_int_eq(s.resync_hard, 1);
	ck_assert_int_eq(s.resync_acquires, 1);

	/* a second resync recovers nothing new */
	ck_assert(events->resync(events));
	ck_assert_int_eq(sink.soft_count, 2);
	ck_assert_int_eq(sink.hard_count, 1);
	ck_assert_int_eq(sink.acquires, 2);

	/* the real (delayed) soft expire of SA 2 is not delivered twice */
	build_expire(&m, IPPROTO_ESP, 0xc0000002, FALSE);
	feed(&m);
	ck_assert_int_eq(sink.soft_count, 2);
	dst->destroy(dst);
}
END_TEST

Suite *events_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("events");

	tc = tcase_create("acquire");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_acquire_icmp);
	tcase_add_test(tc, test_acquire_tcp);
	tcase_add_test(tc, test_acquire_label);
	tcase_add_test(tc, test_acquire_label_overflow);
	tcase_add_test(tc, test_acquire_ipcomp);
	tcase_add_test(tc, test_acquire_truncated);
	tcase_add_test(tc, test_acquire_short_tmpl);
	tcase_add_test(tc, test_acquire_attr_overrun);
	tcase_add_test(tc, test_acquire_no_tmpl);
	suite_add_tcase(s, tc);

	tc = tcase_create("expire");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_expire);
	tcase_add_test(tc, test_expire_dedup);
	tcase_add_test(tc, test_expire_family);
	tcase_add_test(tc, test_expire_multi);
	tcase_add_test(tc, test_polexpire);
	suite_add_tcase(s, tc);

	tc = tcase_create("mapping/migrate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mapping);
	tcase_add_test(tc, test_migrate);
	tcase_add_test(tc, test_migrate_no_kmaddress);
	tcase_add_test(tc, test_migrate_short_kmaddress);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unknown_type);
	tcase_add_test(tc, test_foreign);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("resync");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resync);
	suite_add_tcase(s, tc);

	return s;
}
