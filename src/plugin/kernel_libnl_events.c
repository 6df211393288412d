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

#include "kernel_libnl_events.h"
#include "kernel_libnl_selector.h"
#include "kernel_libnl_pace.h"

#include <errno.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/xfrm.h>
#include <netlink/socket.h>

#include <daemon.h>
#include <threading/mutex.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <selectors/sec_label.h>

/* per-CPU SAs (Linux 6.13); older UAPI headers lack it */
#ifndef XFRMA_SA_PCPU
#define XFRMA_SA_PCPU 35
#endif

/* socket memory info incl. drops (Linux 4.12) */
#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

/** highest attribute type we look at */
#define EV_ATTR_MAX XFRMA_SA_PCPU

/** default receive_buffer_size, as in the socket layer */
#define DEFAULT_RCVBUF (8 * 1024 * 1024)

/**
 * The event socket's receive buffer defaults to four times
 * receive_buffer_size, i.e. 32 MiB (the kernel doubles it for its
 * accounting).  A request socket only ever holds the replies to one request;
 * the event socket queues whatever the kernel multicasts while charon is
 * busy.  Each event skb costs 1-2 KiB of truesize, and SAs created together
 * (a mass reconnect, a gateway restart) expire together, two SAs per
 * CHILD_SA, soft and hard: 8 MiB covers ~10000 queued events, 32 MiB ~40000.
 * A large limit costs nothing while the queue is short (it only caps the
 * memory in use, nothing is allocated up front).  Scaling with
 * receive_buffer_size keeps a deliberately small setting small.  Overflows
 * remain possible and are detected: NETLINK_NO_ENOBUFS is deliberately not
 * set, an ENOBUFS triggers a resync.  ENOBUFS alone is not enough: after an
 * overflow the kernel marks the socket congested and drops every further
 * event without reporting it again until the queue has been read empty, so
 * the socket's drop counter (SO_MEMINFO) is compared as well.
 */
#define EVENT_RCVBUF_FACTOR 4

/** datagrams read per watcher callback before returning to the watcher */
#define MAX_BATCH 512

/** bound on remembered acquire sequence numbers */
#define MAX_ACQUIRE_SEQS 16384

/** seconds an acquire seq is remembered (the kernel's xfrm_acq_expires) */
#define ACQUIRE_SEQ_LIFETIME 165

typedef struct private_kernel_libnl_events_t private_kernel_libnl_events_t;

/**
 * Private data of a kernel_libnl_events_t object.
 */
struct private_kernel_libnl_events_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_events_t public;

	/**
	 * Request sockets for the resync
	 */
	kernel_libnl_socket_t *socket;

	/**
	 * Record of installed SAs and delivered expires
	 */
	kernel_libnl_registry_t *registry;

	/**
	 * Where events go
	 */
	kernel_libnl_events_sink_t *sink;

	/**
	 * Our own sink forwarding to charon->kernel (production)
	 */
	kernel_libnl_events_sink_t charon_sink;

	/**
	 * Event socket, NULL without one
	 */
	struct nl_sock *sk;

	/**
	 * Counters
	 */
	kernel_libnl_events_stats_t stats;

	/**
	 * Sequence numbers of delivered acquires -> time_t of delivery
	 */
	hashtable_t *acquires;

	/**
	 * timerfd that runs paced resyncs, -1 without one
	 */
	int timerfd;

	/**
	 * When to resync
	 */
	kernel_libnl_pace_t pace;

	/**
	 * Whether the kernel reports the event socket's drops (SO_MEMINFO)
	 */
	bool have_drops;

	/**
	 * The event socket's drop count when we last looked (a resync started,
	 * or new drops were noticed and a resync requested)
	 */
	uint32_t drops_seen;

	/**
	 * Protects stats, acquires, pace and drops_seen
	 */
	mutex_t *mutex;
};

/**
 * A parsed event, filled by a parser, consumed by a handler.
 */
typedef struct {
	/** reqid (ACQUIRE, MIGRATE) */
	uint32_t reqid;
	/** selector sides (ACQUIRE, MIGRATE, POLEXPIRE) */
	traffic_selector_t *src_ts, *dst_ts;
	/** security label (ACQUIRE) */
	sec_label_t *label;
	/** acquire sequence number and CPU (ACQUIRE) */
	uint32_t seq, cpu;
	/** protocol and SPI of the SA (ACQUIRE: proto only) */
	uint8_t proto;
	uint32_t spi;
	/** destination of the SA (EXPIRE, MAPPING) */
	host_t *dst;
	/** new remote endpoint (MAPPING) */
	host_t *remote;
	/** old source port, network order (MAPPING) */
	uint16_t old_sport;
	/** hard expire (EXPIRE, POLEXPIRE) */
	bool hard;
	/** direction (MIGRATE, POLEXPIRE) */
	policy_dir_t dir;
	/** policy index (POLEXPIRE) */
	uint32_t index;
	/** KMADDRESS (MIGRATE) */
	host_t *local, *peer;
} event_t;

/**
 * Free what an event still owns
 */
static void event_clear(event_t *ev)
{
	DESTROY_IF(ev->src_ts);
	DESTROY_IF(ev->dst_ts);
	DESTROY_IF(ev->label);
	DESTROY_IF(ev->dst);
	DESTROY_IF(ev->remote);
	DESTROY_IF(ev->local);
	DESTROY_IF(ev->peer);
	*ev = (event_t){};
}

/**
 * Attributes of a message, NULL if absent (lengths checked)
 */
typedef struct nlattr *attrs_t[EV_ATTR_MAX + 1];

/**
 * Minimum payload length of the attributes we read; attributes of other
 * types are skipped without looking at them.
 */
static const size_t attr_min[EV_ATTR_MAX + 1] = {
	[XFRMA_TMPL] = sizeof(struct xfrm_user_tmpl),
	[XFRMA_SEC_CTX] = sizeof(struct xfrm_user_sec_ctx),
	[XFRMA_MIGRATE] = sizeof(struct xfrm_user_migrate),
	[XFRMA_KMADDRESS] = sizeof(struct xfrm_user_kmaddress),
	[XFRMA_MARK] = sizeof(struct xfrm_mark),
	[XFRMA_SA_PCPU] = sizeof(uint32_t),
};

/**
 * Walk the attributes following the fixed header of a message, checking
 * every length.  For repeated attributes the first one is kept.
 *
 * @return		FALSE if an attribute is malformed
 */
static bool parse_attrs(struct nlmsghdr *hdr, size_t fixed, attrs_t attrs)
{
	struct nlattr *nla;
	size_t rem, off;

	memset(attrs, 0, sizeof(attrs_t));
	off = NLMSG_ALIGN(fixed);
	if (NLMSG_LENGTH(off) >= hdr->nlmsg_len)
	{
		return TRUE;
	}
	rem = hdr->nlmsg_len - NLMSG_LENGTH(off);
	nla = (struct nlattr*)((char*)NLMSG_DATA(hdr) + off);
	while (rem >= sizeof(*nla))
	{
		uint16_t type = nla->nla_type & NLA_TYPE_MASK;

		if (nla->nla_len < sizeof(*nla) || nla->nla_len > rem)
		{
			DBG1(DBG_KNL, "kernel-libnl: invalid attribute length %u "
				 "(%zu bytes left)", nla->nla_len, rem);
			return FALSE;
		}
		if (type <= EV_ATTR_MAX && attr_min[type])
		{
			if (nla->nla_len - NLA_HDRLEN < attr_min[type])
			{
				DBG1(DBG_KNL, "kernel-libnl: attribute %u too short (%u "
					 "bytes, need %zu)", type, nla->nla_len - NLA_HDRLEN,
					 attr_min[type]);
				return FALSE;
			}
			if (!attrs[type])
			{
				attrs[type] = nla;
			}
		}
		if (NLA_ALIGN(nla->nla_len) >= rem)
		{
			break;
		}
		rem -= NLA_ALIGN(nla->nla_len);
		nla = (struct nlattr*)((char*)nla + NLA_ALIGN(nla->nla_len));
	}
	return TRUE;
}

/**
 * Payload of an attribute
 */
static inline void *attr_data(struct nlattr *nla)
{
	return (char*)nla + NLA_HDRLEN;
}

/**
 * Payload length of an attribute
 */
static inline size_t attr_len(struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

/**
 * Security label from XFRMA_SEC_CTX, FALSE if malformed
 */
static bool parse_label(struct nlattr *nla, sec_label_t **label)
{
	struct xfrm_user_sec_ctx *ctx;

	if (!nla)
	{
		return TRUE;
	}
	ctx = attr_data(nla);
	if (sizeof(*ctx) + ctx->ctx_len > attr_len(nla))
	{
		DBG1(DBG_KNL, "kernel-libnl: security context of %u bytes exceeds "
			 "its attribute", ctx->ctx_len);
		return FALSE;
	}
	if (ctx->ctx_doi == XFRM_SC_DOI_LSM && ctx->ctx_alg == XFRM_SC_ALG_SELINUX &&
		ctx->ctx_len)
	{
		*label = sec_label_from_encoding(chunk_create((u_char*)(ctx + 1),
													  ctx->ctx_len));
	}
	return TRUE;
}

/**
 * Both sides of a selector, FALSE if its family is unknown
 */
static bool parse_selector(struct xfrm_selector *sel, event_t *ev)
{
	ev->src_ts = kernel_libnl_selector2ts(sel, TRUE);
	ev->dst_ts = kernel_libnl_selector2ts(sel, FALSE);
	if (!ev->src_ts || !ev->dst_ts)
	{
		DBG1(DBG_KNL, "kernel-libnl: selector with unknown address family %u",
			 sel->family);
		return FALSE;
	}
	return TRUE;
}

/**
 * Fill an acquire from the fields an ACQUIRE message and a larval state have
 * in common
 */
static bool parse_acquire_common(struct xfrm_selector *sel, uint8_t proto,
								 uint32_t seq, attrs_t attrs, event_t *ev)
{
	ev->proto = proto;
	ev->seq = seq;
	ev->cpu = CPU_ID_MAX;
	if (attrs[XFRMA_TMPL])
	{	/* all templates of a policy carry the same reqid */
		ev->reqid = ((struct xfrm_user_tmpl*)attr_data(attrs[XFRMA_TMPL]))->reqid;
	}
	if (attrs[XFRMA_SA_PCPU])
	{
		ev->cpu = *(uint32_t*)attr_data(attrs[XFRMA_SA_PCPU]);
	}
	return parse_label(attrs[XFRMA_SEC_CTX], &ev->label) &&
		   parse_selector(sel, ev);
}

/**
 * XFRM_MSG_ACQUIRE: struct xfrm_user_acquire + XFRMA_TMPL, XFRMA_SEC_CTX,
 * XFRMA_SA_PCPU, ...
 */
static bool parse_acquire(struct nlmsghdr *hdr, attrs_t attrs, event_t *ev)
{
	struct xfrm_user_acquire *acquire = NLMSG_DATA(hdr);

	return parse_acquire_common(&acquire->sel, acquire->id.proto,
								acquire->seq, attrs, ev);
}

/**
 * XFRM_MSG_EXPIRE: struct xfrm_user_expire
 */
static bool parse_expire(struct nlmsghdr *hdr, attrs_t attrs, event_t *ev)
{
	struct xfrm_user_expire *expire = NLMSG_DATA(hdr);

	ev->proto = expire->state.id.proto;
	ev->spi = expire->state.id.spi;
	ev->hard = expire->hard != 0;
	ev->dst = kernel_libnl_xfrm2host(expire->state.family,
									 &expire->state.id.daddr, 0);
	if (!ev->dst)
	{
		DBG1(DBG_KNL, "kernel-libnl: expire with unknown address family %u",
			 expire->state.family);
		return FALSE;
	}
	return TRUE;
}

/**
 * XFRM_MSG_POLEXPIRE: struct xfrm_user_polexpire + XFRMA_TMPL, ...
 */
static bool parse_polexpire(struct nlmsghdr *hdr, attrs_t attrs, event_t *ev)
{
	struct xfrm_user_polexpire *expire = NLMSG_DATA(hdr);

	ev->hard = expire->hard != 0;
	ev->dir = expire->pol.dir;
	ev->index = expire->pol.index;
	if (attrs[XFRMA_TMPL])
	{
		ev->reqid = ((struct xfrm_user_tmpl*)attr_data(attrs[XFRMA_TMPL]))->reqid;
	}
	return parse_selector(&expire->pol.sel, ev);
}

/**
 * XFRM_MSG_MAPPING: struct xfrm_user_mapping
 */
static bool parse_mapping(struct nlmsghdr *hdr, attrs_t attrs, event_t *ev)
{
	struct xfrm_user_mapping *mapping = NLMSG_DATA(hdr);

	ev->proto = mapping->id.proto;
	ev->spi = mapping->id.spi;
	ev->reqid = mapping->reqid;
	ev->old_sport = mapping->old_sport;
	ev->dst = kernel_libnl_xfrm2host(mapping->id.family, &mapping->id.daddr, 0);
	ev->remote = kernel_libnl_xfrm2host(mapping->id.family,
										&mapping->new_saddr,
										mapping->new_sport);
	if (!ev->dst || !ev->remote)
	{
		DBG1(DBG_KNL, "kernel-libnl: mapping with unknown address family %u",
			 mapping->id.family);
		return FALSE;
	}
	return TRUE;
}

/**
 * XFRM_MSG_MIGRATE: struct xfrm_userpolicy_id + XFRMA_KMADDRESS,
 * XFRMA_MIGRATE (one per migrated template), XFRMA_POLICY_TYPE, ...
 */
static bool parse_migrate(struct nlmsghdr *hdr, attrs_t attrs, event_t *ev)
{
	struct xfrm_userpolicy_id *id = NLMSG_DATA(hdr);
	struct xfrm_user_kmaddress *km;
	struct xfrm_user_migrate *m;

	ev->dir = id->dir;
	if (!parse_selector(&id->sel, ev))
	{
		return FALSE;
	}
	if (attrs[XFRMA_MIGRATE])
	{
		m = attr_data(attrs[XFRMA_MIGRATE]);
		ev->reqid = m->reqid;
		DBG2(DBG_KNL, "  migrate reqid {%u}, protocol %u, mode %u", m->reqid,
			 m->proto, m->mode);
	}
	if (attrs[XFRMA_KMADDRESS])
	{
		km = attr_data(attrs[XFRMA_KMADDRESS]);
		ev->local = kernel_libnl_xfrm2host(km->family, &km->local, 0);
		ev->peer = kernel_libnl_xfrm2host(km->family, &km->remote, 0);
		if (!ev->local || !ev->peer)
		{
			DBG1(DBG_KNL, "kernel-libnl: kmaddress with unknown address "
				 "family %u", km->family);
			return FALSE;
		}
		DBG2(DBG_KNL, "  kmaddress: %H...%H", ev->local, ev->peer);
	}
	return TRUE;
}

/**
 * Remember the sequence number of a delivered acquire, so a resync does not
 * deliver it again
 */
static void remember_acquire(private_kernel_libnl_events_t *this, uint32_t seq)
{
	enumerator_t *enumerator;
	time_t now = time_monotonic(NULL), *when;
	void *key;

	if (!seq)
	{
		return;
	}
	this->mutex->lock(this->mutex);
	if (this->acquires->get_count(this->acquires) >= MAX_ACQUIRE_SEQS)
	{	/* larval states live xfrm_acq_expires seconds, forget older ones */
		enumerator = this->acquires->create_enumerator(this->acquires);
		while (enumerator->enumerate(enumerator, &key, &when))
		{
			if (*when + ACQUIRE_SEQ_LIFETIME < now ||
				this->acquires->get_count(this->acquires) >= MAX_ACQUIRE_SEQS)
			{
				this->acquires->remove_at(this->acquires, enumerator);
				free(when);
			}
		}
		enumerator->destroy(enumerator);
	}
	when = malloc_thing(time_t);
	*when = now;
	when = this->acquires->put(this->acquires, (void*)(uintptr_t)seq, when);
	free(when);
	this->mutex->unlock(this->mutex);
}

/**
 * Whether an acquire with this sequence number was delivered
 */
static bool acquire_delivered(private_kernel_libnl_events_t *this,
							  uint32_t seq)
{
	bool found;

	this->mutex->lock(this->mutex);
	found = this->acquires->get(this->acquires, (void*)(uintptr_t)seq) != NULL;
	this->mutex->unlock(this->mutex);
	return found;
}

/**
 * Deliver an acquire
 */
static void deliver_acquire(private_kernel_libnl_events_t *this, event_t *ev)
{
	kernel_acquire_data_t data = {
		.src = ev->src_ts,
		.dst = ev->dst_ts,
		.label = ev->label,
	};

	kl_acquire_data_set(&data, ev->seq, ev->cpu);
	remember_acquire(this, ev->seq);
	this->sink->acquire(this->sink, ev->reqid, &data);
}

/**
 * Handle a parsed ACQUIRE
 */
static void handle_acquire(private_kernel_libnl_events_t *this, event_t *ev)
{
	switch (ev->proto)
	{
		case 0:
		case IPPROTO_ESP:
		case IPPROTO_AH:
			break;
		default:
			/* as kernel-netlink: no acquires for IPComp */
			DBG2(DBG_KNL, "  ignoring acquire for protocol %u", ev->proto);
			return;
	}
	DBG2(DBG_KNL, "  acquire for reqid {%u}, seq %u: %R === %R", ev->reqid,
		 ev->seq, ev->src_ts, ev->dst_ts);
	deliver_acquire(this, ev);
}

/**
 * Handle a parsed EXPIRE
 */
static void handle_expire(private_kernel_libnl_events_t *this, event_t *ev)
{
	if (ev->proto != IPPROTO_ESP && ev->proto != IPPROTO_AH)
	{
		DBG2(DBG_KNL, "  ignoring %s expire for protocol %u",
			 ev->hard ? "hard" : "soft", ev->proto);
		return;
	}
	if (!ev->spi)
	{	/* a larval acquire state timed out (xfrm_acq_expires), charon has
		 * no CHILD_SA with SPI 0; kernel-netlink passes these on, for a
		 * "CHILD_SA not found" log line */
		DBG2(DBG_KNL, "  ignoring expire of a larval acquire state");
		return;
	}
	if (!this->registry->expired(this->registry, ev->proto, ev->spi, ev->dst,
								 ev->hard))
	{	/* already delivered, e.g. by a resync */
		DBG2(DBG_KNL, "  %s expire of SPI %.8x already delivered",
			 ev->hard ? "hard" : "soft", ntohl(ev->spi));
		return;
	}
	this->sink->expire(this->sink, ev->proto, ev->spi, ev->dst, ev->hard);
}

/**
 * Handle a parsed POLEXPIRE: charon has no callback (it never sets policy
 * lifetimes), so it is only logged
 */
static void handle_polexpire(private_kernel_libnl_events_t *this, event_t *ev)
{
	DBG1(DBG_KNL, "kernel-libnl: %s expire of policy %R === %R %N "
		 "(index %u, reqid {%u}), not handled", ev->hard ? "hard" : "soft",
		 ev->src_ts, ev->dst_ts, policy_dir_names, ev->dir, ev->index,
		 ev->reqid);
}

/**
 * Handle a parsed MAPPING
 */
static void handle_mapping(private_kernel_libnl_events_t *this, event_t *ev)
{
	if (ev->proto != IPPROTO_ESP)
	{
		DBG2(DBG_KNL, "  ignoring mapping for protocol %u", ev->proto);
		return;
	}
	if (!ev->old_sport)
	{	/* per-CPU encap SAs with a wildcard remote port */
		DBG2(DBG_KNL, "  ignoring mapping of SPI %.8x without old port",
			 ntohl(ev->spi));
		return;
	}
	this->sink->mapping(this->sink, IPPROTO_ESP, ev->spi, ev->dst, ev->remote);
}

/**
 * Handle a parsed MIGRATE
 */
static void handle_migrate(private_kernel_libnl_events_t *this, event_t *ev)
{
	DBG2(DBG_KNL, "  policy: %R === %R %N", ev->src_ts, ev->dst_ts,
		 policy_dir_names, ev->dir);
	if (!ev->local || !ev->peer)
	{	/* kernel-netlink needs XFRMA_KMADDRESS as well */
		DBG1(DBG_KNL, "kernel-libnl: ignoring XFRM_MSG_MIGRATE without "
			 "XFRMA_KMADDRESS");
		return;
	}
	/* ownership passes to the sink */
	this->sink->migrate(this->sink, ev->reqid, ev->src_ts, ev->dst_ts, ev->dir,
						ev->local, ev->peer);
	ev->src_ts = ev->dst_ts = NULL;
	ev->local = ev->peer = NULL;
}

/**
 * How a message type is handled, like xfrm_user.c's xfrm_dispatch table
 */
typedef struct {
	/** message name, as kernel-netlink logs it */
	char *name;
	/** minimum payload length (the fixed header) */
	size_t min_len;
	/** parser, fills the event, FALSE if malformed */
	bool (*parse)(struct nlmsghdr *hdr, attrs_t attrs, event_t *ev);
	/** handler of the parsed event */
	void (*handle)(private_kernel_libnl_events_t *this, event_t *ev);
} event_type_t;

#define EV_TYPE(t) [XFRM_MSG_##t - XFRM_MSG_BASE]

/**
 * Handled message types, indexed by type - XFRM_MSG_BASE
 */
static const event_type_t event_types[] = {
	EV_TYPE(ACQUIRE) = { "XFRM_MSG_ACQUIRE", sizeof(struct xfrm_user_acquire),
						 parse_acquire, handle_acquire },
	EV_TYPE(EXPIRE) = { "XFRM_MSG_EXPIRE", sizeof(struct xfrm_user_expire),
						parse_expire, handle_expire },
	EV_TYPE(POLEXPIRE) = { "XFRM_MSG_POLEXPIRE",
						   sizeof(struct xfrm_user_polexpire),
						   parse_polexpire, handle_polexpire },
	EV_TYPE(MIGRATE) = { "XFRM_MSG_MIGRATE", sizeof(struct xfrm_userpolicy_id),
						 parse_migrate, handle_migrate },
	EV_TYPE(MAPPING) = { "XFRM_MSG_MAPPING", sizeof(struct xfrm_user_mapping),
						 parse_mapping, handle_mapping },
};

/**
 * Count an event
 */
static void count(private_kernel_libnl_events_t *this, u_int *counter,
				  u_int n)
{
	this->mutex->lock(this->mutex);
	*counter += n;
	this->mutex->unlock(this->mutex);
}

/**
 * Dispatch one message by its type
 */
static void dispatch(private_kernel_libnl_events_t *this,
					 struct nlmsghdr *hdr)
{
	const event_type_t *type = NULL;
	event_t ev = {};
	attrs_t attrs;
	u_int idx;

	count(this, &this->stats.received, 1);
	if (hdr->nlmsg_type >= XFRM_MSG_BASE)
	{
		idx = hdr->nlmsg_type - XFRM_MSG_BASE;
		if (idx < countof(event_types) && event_types[idx].name)
		{
			type = &event_types[idx];
		}
	}
	if (!type)
	{
		DBG1(DBG_KNL, "received unknown event from XFRM event socket: %d",
			 hdr->nlmsg_type);
		count(this, &this->stats.unknown, 1);
		return;
	}
	DBG2(DBG_KNL, "received a %s", type->name);
	if (hdr->nlmsg_len < NLMSG_LENGTH(type->min_len))
	{
		DBG1(DBG_KNL, "kernel-libnl: dropping truncated %s (%u bytes, "
			 "need %zu)", type->name, hdr->nlmsg_len,
			 (size_t)NLMSG_LENGTH(type->min_len));
		count(this, &this->stats.malformed, 1);
		return;
	}
	if (!parse_attrs(hdr, type->min_len, attrs) ||
		!type->parse(hdr, attrs, &ev))
	{
		DBG1(DBG_KNL, "kernel-libnl: dropping malformed %s", type->name);
		count(this, &this->stats.malformed, 1);
		event_clear(&ev);
		return;
	}
	type->handle(this, &ev);
	event_clear(&ev);
}

METHOD(kernel_libnl_events_t, process, void,
	private_kernel_libnl_events_t *this, void *buf, size_t len,
	uint32_t src_pid)
{
	struct nlmsghdr *hdr;
	size_t rem = len;

	if (src_pid != 0)
	{	/* not from the kernel */
		DBG1(DBG_KNL, "kernel-libnl: dropping XFRM event from port %u, "
			 "not sent by the kernel", src_pid);
		count(this, &this->stats.foreign, 1);
		return;
	}
	for (hdr = buf; NLMSG_OK(hdr, rem); )
	{
		if (hdr->nlmsg_type != NLMSG_DONE && hdr->nlmsg_type != NLMSG_NOOP)
		{
			dispatch(this, hdr);
		}
		if (NLMSG_ALIGN(hdr->nlmsg_len) >= rem)
		{	/* NLMSG_NEXT() would wrap rem on an unaligned last message */
			rem = 0;
			break;
		}
		hdr = NLMSG_NEXT(hdr, rem);
	}
	if (rem >= sizeof(struct nlmsghdr))
	{	/* NLMSG_OK failed on a header that claims more than there is */
		DBG1(DBG_KNL, "kernel-libnl: dropping truncated XFRM event "
			 "(%zu bytes left)", rem);
		count(this, &this->stats.malformed, 1);
	}
}

/*
 * --------------------------------------------------------------------------
 * Resync after overflow
 * --------------------------------------------------------------------------
 */

/**
 * A recorded SA during a resync
 */
typedef struct {
	/** copy of the registry's record */
	kernel_libnl_sa_record_t *record;
	/** seen in the dump */
	bool seen;
} resync_sa_t;

/**
 * Soft expire to deliver
 */
typedef struct {
	uint8_t proto;
	uint32_t spi;
	host_t *dst;
} resync_expire_t;

/**
 * State of one resync dump
 */
typedef struct {
	/** this */
	private_kernel_libnl_events_t *this;
	/** recorded SAs, resync_sa_t keyed by its record */
	hashtable_t *sas;
	/** soft expires to deliver, resync_expire_t */
	linked_list_t *soft;
	/** acquires to deliver, event_t */
	linked_list_t *acquires;
	/** now, wall clock like the kernel's add_time */
	time_t now;
	/** SAs in the dump */
	u_int dumped;
	/** malformed dump messages */
	u_int malformed;
} resync_t;

/**
 * Hash recorded SAs by proto/SPI/destination
 */
static u_int hash_sa(kernel_libnl_sa_record_t *r)
{
	chunk_t addr = r->dst->get_address(r->dst);

	return chunk_hash_inc(addr, chunk_hash_inc(chunk_from_thing(r->spi),
									chunk_hash(chunk_from_thing(r->proto))));
}

/**
 * Compare recorded SAs by proto/SPI/destination
 */
static bool equals_sa(kernel_libnl_sa_record_t *a, kernel_libnl_sa_record_t *b)
{
	return a->proto == b->proto && a->spi == b->spi &&
		   a->dst->ip_equals(a->dst, b->dst);
}

/**
 * Whether an SA is past one of its soft limits
 */
static bool past_soft_limit(struct xfrm_usersa_info *info, time_t now)
{
	struct xfrm_lifetime_cfg *lft = &info->lft;
	struct xfrm_lifetime_cur *cur = &info->curlft;

	if (lft->soft_byte_limit != XFRM_INF &&
		cur->bytes >= lft->soft_byte_limit)
	{
		return TRUE;
	}
	if (lft->soft_packet_limit != XFRM_INF &&
		cur->packets >= lft->soft_packet_limit)
	{
		return TRUE;
	}
	if (lft->soft_add_expires_seconds &&
		(uint64_t)now >= cur->add_time + lft->soft_add_expires_seconds)
	{
		return TRUE;
	}
	if (lft->soft_use_expires_seconds && cur->use_time &&
		(uint64_t)now >= cur->use_time + lft->soft_use_expires_seconds)
	{
		return TRUE;
	}
	return FALSE;
}

/**
 * Handle one SA of the dump.  Replies carry keys: nothing is copied but the
 * SA's identity, and the socket layer wipes the buffer.
 */
static void resync_sa_cb(resync_t *rs, struct nlmsghdr *hdr)
{
	private_kernel_libnl_events_t *this = rs->this;
	struct xfrm_usersa_info *info;
	kernel_libnl_sa_record_t key = {};
	resync_expire_t *soft;
	resync_sa_t *sa;
	event_t *ev;
	attrs_t attrs;

	if (hdr->nlmsg_type != XFRM_MSG_NEWSA)
	{
		return;
	}
	if (hdr->nlmsg_len < NLMSG_LENGTH(sizeof(*info)) ||
		!parse_attrs(hdr, sizeof(*info), attrs))
	{
		rs->malformed++;
		return;
	}
	info = NLMSG_DATA(hdr);
	rs->dumped++;

	if (!info->id.spi)
	{	/* a larval state of an acquire, ALLOCSPI states have an SPI.  Note
		 * that the kernel keeps no larval state if the ACQUIRE could not be
		 * multicast to every listener (km_query() fails with ENOBUFS), the
		 * next packet then triggers a new acquire.  The state remains if
		 * another key manager (e.g. af_key) took it, or if the overflow hit
		 * between two of our reads. */
		switch (info->id.proto)
		{
			case IPPROTO_ESP:
			case IPPROTO_AH:
				break;
			default:
				return;
		}
		if (acquire_delivered(this, info->seq))
		{
			return;
		}
		INIT(ev);
		if (!parse_acquire_common(&info->sel, info->id.proto, info->seq,
								  attrs, ev))
		{
			event_clear(ev);
			free(ev);
			rs->malformed++;
			return;
		}
		/* the larval state has the reqid, the template may be absent */
		ev->reqid = info->reqid;
		rs->acquires->insert_last(rs->acquires, ev);
		return;
	}
	if (info->id.proto != IPPROTO_ESP && info->id.proto != IPPROTO_AH)
	{
		return;
	}
	key.proto = info->id.proto;
	key.spi = info->id.spi;
	key.dst = kernel_libnl_xfrm2host(info->family, &info->id.daddr, 0);
	if (!key.dst)
	{
		rs->malformed++;
		return;
	}
	sa = rs->sas->get(rs->sas, &key);
	if (sa)
	{
		sa->seen = TRUE;
		if (!sa->record->soft_delivered && !sa->record->hard_delivered &&
			past_soft_limit(info, rs->now))
		{
			INIT(soft,
				.proto = key.proto,
				.spi = key.spi,
				.dst = key.dst->clone(key.dst),
			);
			rs->soft->insert_last(rs->soft, soft);
		}
	}
	key.dst->destroy(key.dst);
}

/**
 * Check with a GETSA whether a recorded SA that is missing from the dump is
 * really gone (and not being replaced by an update in this very moment)
 */
static bool sa_gone(private_kernel_libnl_events_t *this,
					kernel_libnl_sa_record_t *r)
{
	struct xfrm_usersa_id id = {
		.spi = r->spi,
		.proto = r->proto,
		.family = r->dst->get_family(r->dst),
	};
	struct xfrm_mark mark = {
		.v = r->mark.value,
		.m = r->mark.mask,
	};
	struct nl_msg *msg;

	kernel_libnl_host2xfrm(r->dst, &id.daddr);
	msg = kernel_libnl_msg_alloc(XFRM_MSG_GETSA, 0, &id, sizeof(id));
	if (!msg)
	{
		return FALSE;
	}
	if ((mark.v | mark.m) &&
		!kernel_libnl_msg_put(&msg, XFRMA_MARK, sizeof(mark), &mark))
	{
		kernel_libnl_msg_free(msg);
		return FALSE;
	}
	return this->socket->request(this->socket, msg, NULL, NULL,
								 NULL) == NOT_FOUND;
}

/**
 * Reduce a list of recorded SAs missing from the dump to those that are
 * really gone from the kernel but still recorded
 */
static void still_recorded(private_kernel_libnl_events_t *this,
						   linked_list_t *list)
{
	kernel_libnl_sa_record_t *record, *current;
	enumerator_t *enumerator;
	hashtable_t *gone;

	gone = hashtable_create((hashtable_hash_t)hash_sa,
							(hashtable_equals_t)equals_sa, 32);
	while (list->remove_first(list, (void**)&record) == SUCCESS)
	{
		if (sa_gone(this, record))
		{
			gone->put(gone, record, record);
		}
	}
	enumerator = this->registry->create_enumerator(this->registry);
	while (enumerator->enumerate(enumerator, &current))
	{
		record = gone->get(gone, current);
		if (record && !current->hard_delivered)
		{
			list->insert_last(list, record);
		}
	}
	enumerator->destroy(enumerator);
	gone->destroy(gone);
}

/**
 * Destroy a resync_sa_t
 */
static void resync_sa_destroy(resync_sa_t *sa)
{
	sa->record->dst->destroy(sa->record->dst);
	free(sa->record);
	free(sa);
}

/**
 * Destroy a resync_expire_t
 */
static void resync_expire_destroy(resync_expire_t *e)
{
	e->dst->destroy(e->dst);
	free(e);
}

/**
 * Destroy an event_t
 */
static void event_destroy(event_t *ev)
{
	event_clear(ev);
	free(ev);
}

METHOD(kernel_libnl_events_t, resync, bool,
	private_kernel_libnl_events_t *this)
{
	kernel_libnl_sa_record_t *record;
	kernel_libnl_error_t err;
	enumerator_t *enumerator;
	resync_expire_t *soft;
	resync_sa_t *sa;
	linked_list_t *hard;
	struct nl_msg *msg;
	event_t *ev;
	u_int n_soft = 0, n_hard = 0, n_acq = 0;
	char buf[256];
	status_t status;
	resync_t rs = {
		.this = this,
		.sas = hashtable_create((hashtable_hash_t)hash_sa,
								(hashtable_equals_t)equals_sa, 128),
		.soft = linked_list_create(),
		.acquires = linked_list_create(),
		.now = time(NULL),
	};

	/* snapshot before the dump: whatever is recorded now and missing from
	 * the dump has vanished (SAs added later are not in the snapshot) */
	enumerator = this->registry->create_enumerator(this->registry);
	while (enumerator->enumerate(enumerator, &record))
	{
		INIT(sa,
			.record = malloc_thing(kernel_libnl_sa_record_t),
		);
		*sa->record = *record;
		sa->record->dst = record->dst->clone(record->dst);
		sa = rs.sas->put(rs.sas, sa->record, sa);
		if (sa)
		{
			resync_sa_destroy(sa);
		}
	}
	enumerator->destroy(enumerator);

	msg = kernel_libnl_msg_alloc(XFRM_MSG_GETSA, NLM_F_DUMP, NULL, 0);
	status = msg ? this->socket->request(this->socket, msg,
								(kernel_libnl_reply_cb_t)resync_sa_cb, &rs,
								&err) : FAILED;
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to dump SAD for the event "
			 "resync: %s", msg ? kernel_libnl_strerror(&err, buf, sizeof(buf))
							   : "out of memory");
		rs.sas->destroy_function(rs.sas, (void*)resync_sa_destroy);
		rs.soft->destroy_function(rs.soft, (void*)resync_expire_destroy);
		rs.acquires->destroy_function(rs.acquires, (void*)event_destroy);
		return FALSE;
	}

	/* recorded, not in the dump, no hard expire delivered: it vanished */
	hard = linked_list_create();
	enumerator = rs.sas->create_enumerator(rs.sas);
	while (enumerator->enumerate(enumerator, NULL, &sa))
	{
		if (!sa->seen && !sa->record->hard_delivered)
		{
			hard->insert_last(hard, sa->record);
		}
	}
	enumerator->destroy(enumerator);
	if (hard->get_count(hard))
	{	/* keep only those a GETSA does not find and that are still recorded
		 * under the same address (update_sa() moves SAs after the fact) */
		still_recorded(this, hard);
	}
	while (hard->remove_first(hard, (void**)&record) == SUCCESS)
	{
		if (this->registry->expired(this->registry, record->proto,
									record->spi, record->dst, TRUE))
		{
			DBG2(DBG_KNL, "  resync: SA %.8x/%H vanished", ntohl(record->spi),
				 record->dst);
			this->sink->expire(this->sink, record->proto, record->spi,
							   record->dst, TRUE);
			n_hard++;
		}
	}
	hard->destroy(hard);

	while (rs.soft->remove_first(rs.soft, (void**)&soft) == SUCCESS)
	{
		if (this->registry->expired(this->registry, soft->proto, soft->spi,
									soft->dst, FALSE))
		{
			DBG2(DBG_KNL, "  resync: SA %.8x/%H past its soft limit",
				 ntohl(soft->spi), soft->dst);
			this->sink->expire(this->sink, soft->proto, soft->spi, soft->dst,
							   FALSE);
			n_soft++;
		}
		resync_expire_destroy(soft);
	}

	while (rs.acquires->remove_first(rs.acquires, (void**)&ev) == SUCCESS)
	{
		if (!acquire_delivered(this, ev->seq))
		{
			DBG2(DBG_KNL, "  resync: pending acquire for reqid {%u}, seq %u",
				 ev->reqid, ev->seq);
			deliver_acquire(this, ev);
			n_acq++;
		}
		event_destroy(ev);
	}

	DBG1(DBG_KNL, "kernel-libnl: event resync checked %u SAs (%u recorded)%s, "
		 "recovered %u soft and %u hard expires, %u acquires", rs.dumped,
		 rs.sas->get_count(rs.sas), rs.malformed ? ", some malformed" : "",
		 n_soft, n_hard, n_acq);
	rs.sas->destroy_function(rs.sas, (void*)resync_sa_destroy);
	rs.soft->destroy(rs.soft);
	rs.acquires->destroy(rs.acquires);

	this->mutex->lock(this->mutex);
	this->stats.resyncs++;
	this->stats.resync_soft += n_soft;
	this->stats.resync_hard += n_hard;
	this->stats.resync_acquires += n_acq;
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/*
 * --------------------------------------------------------------------------
 * Event socket
 * --------------------------------------------------------------------------
 */

/**
 * Monotonic time in ms
 */
static uint64_t now_ms()
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * Read how many events the kernel dropped on the event socket
 */
static bool read_drops(int fd, uint32_t *drops)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
		len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
	{
		return FALSE;
	}
	*drops = mem[SK_MEMINFO_DROPS];
	return TRUE;
}

/**
 * Arm the resync timer, this->mutex held
 */
static void arm_timer(private_kernel_libnl_events_t *this, int64_t ms)
{
	struct itimerspec its = {
		.it_value = {
			.tv_sec = ms / 1000,
			/* zero would disarm it */
			.tv_nsec = max((ms % 1000) * 1000000, 1),
		},
	};

	if (timerfd_settime(this->timerfd, 0, &its, NULL) < 0)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to arm the event resync timer: "
			 "%s", strerror(errno));
	}
}

/**
 * Events were lost: have a resync run (paced) by the timer, so the event
 * socket is read on while the SAD is dumped
 */
static void request_resync(private_kernel_libnl_events_t *this)
{
	int64_t ms;

	if (this->timerfd < 0)
	{
		resync(this);
		return;
	}
	this->mutex->lock(this->mutex);
	ms = kernel_libnl_pace_request(&this->pace, now_ms());
	if (ms >= 0)
	{
		arm_timer(this, ms);
	}
	this->mutex->unlock(this->mutex);
}

CALLBACK(resync_timer, bool,
	private_kernel_libnl_events_t *this, int fd, watcher_event_t event)
{
	uint64_t expirations;
	uint32_t drops;
	bool have_drops, ok;
	int64_t ms;

	if (read(fd, &expirations, sizeof(expirations)) != sizeof(expirations))
	{	/* not (yet) expired */
		return TRUE;
	}
	have_drops = this->have_drops &&
				 read_drops(nl_socket_get_fd(this->sk), &drops);
	this->mutex->lock(this->mutex);
	kernel_libnl_pace_start(&this->pace, now_ms());
	if (have_drops)
	{	/* what is dropped from now on may follow the SA in the dump */
		this->drops_seen = drops;
	}
	this->mutex->unlock(this->mutex);

	ok = resync(this);

	this->mutex->lock(this->mutex);
	if (!ok)
	{
		this->stats.resync_failures++;
	}
	ms = kernel_libnl_pace_done(&this->pace, now_ms(), ok);
	if (ms >= 0)
	{
		if (!ok)
		{
			DBG1(DBG_KNL, "kernel-libnl: retrying the event resync in %lld "
				 "ms", (long long)ms);
		}
		arm_timer(this, ms);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/**
 * Whether the kernel dropped events since we last looked, reported by
 * ENOBUFS or not (congested socket, see EVENT_RCVBUF_FACTOR).  Each drop is
 * noticed once: a resync that is already pending covers it.
 */
static bool dropped_since(private_kernel_libnl_events_t *this, int fd,
						  uint32_t *drops)
{
	bool dropped;

	if (!this->have_drops || !read_drops(fd, drops))
	{
		return FALSE;
	}
	this->mutex->lock(this->mutex);
	dropped = *drops != this->drops_seen;
	this->drops_seen = *drops;
	this->mutex->unlock(this->mutex);
	return dropped;
}

CALLBACK(receive_events, bool,
	private_kernel_libnl_events_t *this, int fd, watcher_event_t event)
{
	bool overflow = FALSE;
	uint32_t pid, drops;
	ssize_t len;
	void *buf;
	int i;

	for (i = 0; i < MAX_BATCH; i++)
	{
		len = kernel_libnl_recv(fd, &buf, &pid, MSG_DONTWAIT);
		if (len == -ENOBUFS)
		{	/* the kernel dropped events; what is queued is still valid */
			DBG1(DBG_KNL, "kernel-libnl: XFRM event socket overflowed "
				 "(ENOBUFS), events were lost, resynchronizing");
			count(this, &this->stats.overflows, 1);
			overflow = TRUE;
			continue;
		}
		if (len < 0)
		{
			if (len != -EAGAIN && len != -EWOULDBLOCK)
			{
				DBG1(DBG_KNL, "unable to receive from XFRM event socket: %s "
					 "(%d)", strerror(-len), (int)-len);
			}
			break;
		}
		process(this, buf, len, pid);
		kernel_libnl_recv_free(buf, len);
	}
	if (dropped_since(this, fd, &drops) && !overflow)
	{
		DBG1(DBG_KNL, "kernel-libnl: XFRM event socket dropped events "
			 "(%u in total), resynchronizing", drops);
		count(this, &this->stats.overflows, 1);
		overflow = TRUE;
	}
	if (overflow)
	{	/* paced: during a storm every dump would be followed by the next */
		request_resync(this);
	}
	return TRUE;
}

METHOD(kernel_libnl_events_t, get_stats, void,
	private_kernel_libnl_events_t *this, kernel_libnl_events_stats_t *stats)
{
	this->mutex->lock(this->mutex);
	*stats = this->stats;
	this->mutex->unlock(this->mutex);
}

METHOD(kernel_libnl_events_t, destroy, void,
	private_kernel_libnl_events_t *this)
{
	enumerator_t *enumerator;
	time_t *when;

	if (this->sk)
	{	/* first, it arms the timer */
		lib->watcher->remove(lib->watcher, nl_socket_get_fd(this->sk));
	}
	if (this->timerfd >= 0)
	{	/* waits for a running resync, which reads the socket's drops */
		lib->watcher->remove(lib->watcher, this->timerfd);
		close(this->timerfd);
	}
	if (this->sk)
	{
		nl_socket_free(this->sk);
	}
	enumerator = this->acquires->create_enumerator(this->acquires);
	while (enumerator->enumerate(enumerator, NULL, &when))
	{
		free(when);
	}
	enumerator->destroy(enumerator);
	this->acquires->destroy(this->acquires);
	this->mutex->destroy(this->mutex);
	free(this);
}

METHOD(kernel_libnl_events_sink_t, charon_acquire, void,
	kernel_libnl_events_sink_t *this, uint32_t reqid,
	kernel_acquire_data_t *data)
{
	charon->kernel->acquire(charon->kernel, reqid, data);
}

METHOD(kernel_libnl_events_sink_t, charon_expire, void,
	kernel_libnl_events_sink_t *this, uint8_t protocol, uint32_t spi,
	host_t *dst, bool hard)
{
	charon->kernel->expire(charon->kernel, protocol, spi, dst, hard);
}

METHOD(kernel_libnl_events_sink_t, charon_mapping, void,
	kernel_libnl_events_sink_t *this, uint8_t protocol, uint32_t spi,
	host_t *dst, host_t *remote)
{
	charon->kernel->mapping(charon->kernel, protocol, spi, dst, remote);
}

METHOD(kernel_libnl_events_sink_t, charon_migrate, void,
	kernel_libnl_events_sink_t *this, uint32_t reqid,
	traffic_selector_t *src_ts, traffic_selector_t *dst_ts,
	policy_dir_t direction, host_t *local, host_t *remote)
{
	charon->kernel->migrate(charon->kernel, reqid, src_ts, dst_ts, direction,
							local, remote);
}

/*
 * Described in header
 */
kernel_libnl_events_t *kernel_libnl_events_create_sink(
											kernel_libnl_socket_t *socket,
											kernel_libnl_registry_t *registry,
											kernel_libnl_events_sink_t *sink)
{
	private_kernel_libnl_events_t *this;

	INIT(this,
		.public = {
			.process = _process,
			.resync = _resync,
			.get_stats = _get_stats,
			.destroy = _destroy,
		},
		.socket = socket,
		.registry = registry,
		.sink = sink,
		.charon_sink = {
			.acquire = _charon_acquire,
			.expire = _charon_expire,
			.mapping = _charon_mapping,
			.migrate = _charon_migrate,
		},
		.acquires = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									 32),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.timerfd = -1,
	);
	if (!this->sink)
	{
		this->sink = &this->charon_sink;
	}
	return &this->public;
}

/*
 * Described in header
 */
kernel_libnl_events_t *kernel_libnl_events_create(kernel_libnl_socket_t *socket,
											kernel_libnl_registry_t *registry)
{
	private_kernel_libnl_events_t *this;
	int rcvbuf, err;

	this = (private_kernel_libnl_events_t*)kernel_libnl_events_create_sink(
												socket, registry, NULL);

	rcvbuf = lib->settings->get_int(lib->settings,
					"%s.plugins.kernel-libnl.receive_buffer_size",
					DEFAULT_RCVBUF, lib->ns);
	rcvbuf = lib->settings->get_int(lib->settings,
					"%s.plugins.kernel-libnl.events_receive_buffer_size",
					min((int64_t)rcvbuf * EVENT_RCVBUF_FACTOR, INT_MAX / 2),
					lib->ns);
	this->sk = kernel_libnl_sock_open(NETLINK_XFRM, rcvbuf);
	if (!this->sk)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to create XFRM event socket");
		destroy(this);
		return NULL;
	}
	/* events have seq 0 and come unasked */
	nl_socket_disable_seq_check(this->sk);
	err = nl_socket_add_memberships(this->sk, XFRMNLGRP_ACQUIRE,
						XFRMNLGRP_EXPIRE, XFRMNLGRP_MIGRATE, XFRMNLGRP_MAPPING, 0);
	if (!err)
	{
		err = nl_socket_set_nonblocking(this->sk);
	}
	if (err)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to subscribe to XFRM events: %s",
			 nl_geterror(err));
		destroy(this);
		return NULL;
	}
	this->have_drops = read_drops(nl_socket_get_fd(this->sk),
								  &this->drops_seen);
	this->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (this->timerfd < 0)
	{	/* resyncs then run right away in the receive callback */
		DBG1(DBG_KNL, "kernel-libnl: unable to create the event resync "
			 "timer: %s", strerror(errno));
	}
	else
	{
		lib->watcher->add(lib->watcher, this->timerfd, WATCHER_READ,
						  resync_timer, this);
	}
	lib->watcher->add(lib->watcher, nl_socket_get_fd(this->sk), WATCHER_READ,
					  receive_events, this);
	return &this->public;
}
