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

#include <unistd.h>

#include <kernel_libnl_policy_store.h>
#include <kernel_libnl_selector.h>
#include <threading/thread.h>

static kernel_libnl_policy_store_t *store;

/** reqid of the mapping to install of the last del() */
static uint32_t head_reqid;

/**
 * Selector from two CIDR strings
 */
static struct xfrm_selector sel_of(char *src, char *dst, uint8_t proto,
								   uint16_t sfrom, uint16_t sto,
								   uint16_t dfrom, uint16_t dto, char *iface)
{
	traffic_selector_t *s, *d;
	struct xfrm_selector sel;

	s = traffic_selector_create_from_cidr(src, proto, sfrom, sto);
	d = traffic_selector_create_from_cidr(dst, proto, dfrom, dto);
	ck_assert(s && d);
	sel = kernel_libnl_ts2selector(s, d, iface);
	s->destroy(s);
	d->destroy(d);
	return sel;
}

/**
 * Key for a net-to-net policy
 */
static kernel_libnl_policy_key_t key_of(char *src, char *dst, uint8_t dir)
{
	return (kernel_libnl_policy_key_t){
		.sel = sel_of(src, dst, 0, 0, 65535, 0, 65535, NULL),
		.dir = dir,
	};
}

/**
 * Mapping with priorities and reqid (SPI derived from reqid)
 */
static kernel_libnl_policy_mapping_t *mapping_of(uint32_t prio,
												 uint32_t auto_prio,
												 uint32_t reqid)
{
	kernel_libnl_policy_mapping_t *m;
	host_t *src, *dst;
	ipsec_sa_cfg_t sa = {
		.mode = MODE_TUNNEL,
		.reqid = reqid,
		.esp = { .use = TRUE, .spi = htonl(0xc0000000 | reqid) },
	};

	src = host_create_from_string("192.0.2.1", 0);
	dst = host_create_from_string("192.0.2.2", 0);
	m = kernel_libnl_policy_mapping_create(POLICY_IPSEC, src, dst,
										   (mark_t){}, 0, &sa, NULL, NULL);
	m->priority = prio;
	m->auto_priority = auto_prio;
	src->destroy(src);
	dst->destroy(dst);
	return m;
}

/**
 * Add and complete the round trip, return the action
 */
static kernel_libnl_policy_action_t add(kernel_libnl_policy_key_t *key,
										kernel_libnl_policy_mapping_t *m,
										kernel_libnl_policy_change_t *change)
{
	kernel_libnl_policy_change_t local;

	change = change ?: &local;
	store->add(store, key, m, change);
	if (change->action != KERNEL_LIBNL_POLICY_KEEP)
	{
		ck_assert(change->mapping == m);
		store->done(store, change);
	}
	return change->action;
}

/**
 * Delete (matching a fresh mapping) and complete the round trip
 */
static kernel_libnl_policy_action_t del(kernel_libnl_policy_key_t *key,
										uint32_t prio, uint32_t auto_prio,
										uint32_t reqid,
										kernel_libnl_policy_change_t *change)
{
	kernel_libnl_policy_change_t local;
	kernel_libnl_policy_mapping_t *m;

	change = change ?: &local;
	m = mapping_of(prio, auto_prio, reqid);
	ck_assert_int_eq(store->del(store, key, m, change), SUCCESS);
	kernel_libnl_policy_mapping_destroy(m);
	if (change->action == KERNEL_LIBNL_POLICY_REPLACE)
	{
		ck_assert(change->mapping);
		head_reqid = change->mapping->sa.reqid;
	}
	if (change->action != KERNEL_LIBNL_POLICY_KEEP)
	{
		store->done(store, change);
	}
	return change->action;
}

/**
 * Reqids of a policy's mappings in order, as decimal string
 */
static char *order(kernel_libnl_policy_key_t *key)
{
	static char buf[64];
	kernel_libnl_policy_mapping_t *m;
	enumerator_t *enumerator;
	int len = 0;

	buf[0] = 0;
	enumerator = store->create_mapping_enumerator(store, key);
	while (enumerator->enumerate(enumerator, &m))
	{
		len += snprintf(buf + len, sizeof(buf) - len, "%s%u", len ? "," : "",
						m->sa.reqid);
	}
	enumerator->destroy(enumerator);
	return buf;
}

static void setup()
{
	store = kernel_libnl_policy_store_create(free);
}

static void teardown()
{
	store->destroy(store);
}

START_TEST(test_auto_priority)
{
	struct xfrm_selector sel;

	/* the worked example (strongSwan issue #1967) */
	sel = sel_of("10.11.94.0/23", "172.16.114.0/24", 0, 0, 65535, 0, 65535,
				 NULL);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_DEFAULT, FALSE), 375935);
	/* trap policies are one less specific than the IPsec policy */
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_ROUTED, FALSE), 375936);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_PASS, FALSE), 175935);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_FALLBACK, FALSE), 575935);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_DEFAULT, TRUE), 375933);

	/* protocol and a port: -256 and -4*16 */
	sel = sel_of("10.11.94.0/23", "172.16.114.0/24", IPPROTO_TCP, 0, 65535,
				 80, 80, NULL);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_DEFAULT, FALSE),
					 375935 - 256 - 64);
	/* range 1024-2047: 6 mask bits */
	sel = sel_of("10.11.94.0/23", "172.16.114.0/24", IPPROTO_UDP, 1024, 2047,
				 0, 65535, NULL);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_DEFAULT, FALSE),
					 375935 - 256 - 24);
	/* ICMP type 8 code 0: type in sport (16 bits), code 0 unmasked */
	sel = sel_of("10.0.0.0/8", "10.0.0.0/8", IPPROTO_ICMP, 8 << 8, 8 << 8,
				 0, 65535, NULL);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_DEFAULT, FALSE),
					 400000 - 16 * 512 - 256 - 64 - 1);
	/* host-to-host IPv6, largest value */
	sel = sel_of("2001:db8::1/128", "2001:db8::2/128", 0, 0, 65535, 0, 65535,
				 NULL);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_DEFAULT, FALSE),
					 400000 - 256 * 512 - 1);
	/* 0.0.0.0/0 pass */
	sel = sel_of("0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535, 0, 65535, NULL);
	ck_assert_int_eq(kernel_libnl_policy_auto_priority(&sel,
							POLICY_PRIORITY_PASS, FALSE), 199999);
}
END_TEST

START_TEST(test_install_remove)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;

	ck_assert_int_eq(add(&key, mapping_of(100, 100, 1), &change),
					 KERNEL_LIBNL_POLICY_INSTALL);
	ck_assert_int_eq(change.refcount, 1);
	ck_assert(!change.reqid_changed);
	ck_assert_int_eq(store->get_count(store), 1);

	ck_assert_int_eq(del(&key, 100, 100, 1, &change),
					 KERNEL_LIBNL_POLICY_REMOVE);
	ck_assert_int_eq(change.refcount, 0);
	ck_assert_int_eq(store->get_count(store), 0);
}
END_TEST

START_TEST(test_del_not_found)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;
	kernel_libnl_policy_mapping_t *m;

	m = mapping_of(100, 100, 1);
	ck_assert_int_eq(store->del(store, &key, m, &change), NOT_FOUND);
	kernel_libnl_policy_mapping_destroy(m);
}
END_TEST

START_TEST(test_key_distinct)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT), other;
	sec_label_t *label;

	ck_assert_int_eq(add(&key, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	ck_assert_int_eq(add(&key, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	other = key;
	other.dir = POLICY_IN;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	other = key;
	other.mark = 42;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	other = key;
	other.if_id = 7;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	other = key;
	other.sel.ifindex = 1;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	other = key;
	other.sel.prefixlen_d = 24;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	other = key;
	label = sec_label_from_string("system_u:object_r:ipsec_spd_t:s0");
	ck_assert(label);
	other.label = label;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	/* the store keeps its own copy of the label */
	label->destroy(label);
	label = sec_label_from_string("system_u:object_r:ipsec_spd_t:s0");
	other.label = label;
	ck_assert_int_eq(add(&other, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	label->destroy(label);
	ck_assert_int_eq(store->get_count(store), 7);
}
END_TEST

START_TEST(test_order_priority)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;

	ck_assert_int_eq(add(&key, mapping_of(200, 200, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	/* lower priority (higher value): recorded only */
	ck_assert_int_eq(add(&key, mapping_of(300, 300, 2), &change),
					 KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_int_eq(change.installed_priority, 200);
	ck_assert_int_eq(change.refcount, 2);
	/* higher priority: replaces */
	ck_assert_int_eq(add(&key, mapping_of(100, 100, 3), &change),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert(change.reqid_changed);
	ck_assert_int_eq(change.old_reqid, 1);
	ck_assert_int_eq(change.refcount, 3);
	ck_assert_str_eq(order(&key), "3,1,2");

	/* removing a mapping that is not installed changes nothing */
	ck_assert_int_eq(del(&key, 200, 200, 1, &change),
					 KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_int_eq(change.installed_priority, 100);
	ck_assert_str_eq(order(&key), "3,2");
	/* removing the head installs the next */
	ck_assert_int_eq(del(&key, 100, 100, 3, &change),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(head_reqid, 2);
	ck_assert(change.reqid_changed);
	ck_assert_int_eq(change.old_reqid, 3);
	ck_assert_str_eq(order(&key), "2");
	ck_assert_int_eq(del(&key, 300, 300, 2, NULL),
					 KERNEL_LIBNL_POLICY_REMOVE);
	ck_assert_int_eq(store->get_count(store), 0);
}
END_TEST

START_TEST(test_order_ties)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;

	/* equal manual priority: the automatic one decides */
	ck_assert_int_eq(add(&key, mapping_of(50, 300, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	ck_assert_int_eq(add(&key, mapping_of(50, 200, 2), NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(add(&key, mapping_of(50, 400, 3), NULL),
					 KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_str_eq(order(&key), "2,1,3");
	/* all equal: a mapping with reqid goes first (rekeying replaces) */
	ck_assert_int_eq(add(&key, mapping_of(50, 200, 4), &change),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert(change.reqid_changed);
	ck_assert_str_eq(order(&key), "4,2,1,3");
	/* without reqid after those with one */
	ck_assert_int_eq(add(&key, mapping_of(50, 200, 0), NULL),
					 KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_str_eq(order(&key), "4,2,0,1,3");
	/* identical mapping without reqid goes before the other one without */
	ck_assert_int_eq(add(&key, mapping_of(50, 200, 0), NULL),
					 KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_str_eq(order(&key), "4,2,0,0,1,3");
	/* delete removes one of two equal mappings */
	ck_assert_int_eq(del(&key, 50, 200, 0, NULL), KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_str_eq(order(&key), "4,2,0,1,3");
	/* a mapping that matches nothing changes nothing */
	ck_assert_int_eq(del(&key, 50, 201, 4, NULL), KERNEL_LIBNL_POLICY_KEEP);
	ck_assert_str_eq(order(&key), "4,2,0,1,3");
	ck_assert_int_eq(del(&key, 50, 200, 4, NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(del(&key, 50, 200, 2, &change),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(head_reqid, 0);
	ck_assert_int_eq(del(&key, 50, 200, 0, &change),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(head_reqid, 1);
	ck_assert_int_eq(del(&key, 50, 300, 1, NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(del(&key, 50, 400, 3, NULL),
					 KERNEL_LIBNL_POLICY_REMOVE);
	ck_assert_int_eq(store->get_count(store), 0);
}
END_TEST

START_TEST(test_trap_and_child)
{
	kernel_libnl_policy_key_t key;
	struct xfrm_selector sel;
	uint32_t routed, def;

	/* a trap policy is replaced by the CHILD_SA's and comes back after */
	sel = sel_of("10.1.0.0/16", "10.2.0.0/16", 0, 0, 65535, 0, 65535, NULL);
	key = (kernel_libnl_policy_key_t){ .sel = sel, .dir = POLICY_OUT };
	routed = kernel_libnl_policy_auto_priority(&sel, POLICY_PRIORITY_ROUTED,
											   FALSE);
	def = kernel_libnl_policy_auto_priority(&sel, POLICY_PRIORITY_DEFAULT,
											FALSE);
	ck_assert_int_eq(add(&key, mapping_of(routed, routed, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	ck_assert_int_eq(add(&key, mapping_of(def, def, 1), NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	/* rekeyed CHILD_SA with the same priority goes first */
	ck_assert_int_eq(add(&key, mapping_of(def, def, 1), NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(del(&key, def, def, 1, NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(del(&key, def, def, 1, NULL),
					 KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_str_eq(order(&key), "1");
	ck_assert_int_eq(del(&key, routed, routed, 1, NULL),
					 KERNEL_LIBNL_POLICY_REMOVE);
}
END_TEST

START_TEST(test_mapping_match)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;
	kernel_libnl_policy_mapping_t *m, *other;

	m = mapping_of(100, 100, 1);
	ck_assert_int_eq(add(&key, m, NULL), KERNEL_LIBNL_POLICY_INSTALL);

	/* differing type, addresses, mark, SA details don't match */
	other = mapping_of(100, 100, 1);
	other->type = POLICY_PASS;
	ck_assert_int_eq(store->del(store, &key, other, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_KEEP);
	kernel_libnl_policy_mapping_destroy(other);

	other = mapping_of(100, 100, 1);
	other->mark = (mark_t){ .value = 1, .mask = 0xffffffff };
	ck_assert_int_eq(store->del(store, &key, other, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_KEEP);
	kernel_libnl_policy_mapping_destroy(other);

	other = mapping_of(100, 100, 1);
	other->sa.esp.spi = 1;
	ck_assert_int_eq(store->del(store, &key, other, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_KEEP);
	kernel_libnl_policy_mapping_destroy(other);

	other = mapping_of(100, 100, 1);
	other->dst->destroy(other->dst);
	other->dst = host_create_from_string("192.0.2.3", 0);
	ck_assert_int_eq(store->del(store, &key, other, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_KEEP);
	kernel_libnl_policy_mapping_destroy(other);

	/* ports of the SA hosts are irrelevant */
	other = mapping_of(100, 100, 1);
	other->src->set_port(other->src, 4500);
	ck_assert_int_eq(store->del(store, &key, other, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_REMOVE);
	store->done(store, &change);
	kernel_libnl_policy_mapping_destroy(other);
	ck_assert_int_eq(store->get_count(store), 0);
}
END_TEST

/**
 * Mapping with the given SA addresses
 */
static kernel_libnl_policy_mapping_t *mapping_between(char *src, char *dst,
													  uint16_t port,
													  uint32_t reqid)
{
	kernel_libnl_policy_mapping_t *m;

	m = mapping_of(100, 100, reqid);
	m->src->destroy(m->src);
	m->dst->destroy(m->dst);
	m->src = host_create_from_string(src, port);
	m->dst = host_create_from_string(dst, port);
	return m;
}

/**
 * The head mapping of a policy
 */
static kernel_libnl_policy_mapping_t *head_of(kernel_libnl_policy_key_t *key)
{
	kernel_libnl_policy_mapping_t *m = NULL;
	enumerator_t *enumerator;

	enumerator = store->create_mapping_enumerator(store, key);
	ck_assert(enumerator->enumerate(enumerator, &m));
	enumerator->destroy(enumerator);
	return m;
}

START_TEST(test_shared_hosts)
{
	kernel_libnl_policy_key_t out = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT),
							  in = key_of("10.2.0.0/16", "10.1.0.0/16",
										  POLICY_IN),
							  fwd = in, other = key_of("10.3.0.0/16",
										"10.1.0.0/16", POLICY_IN);
	kernel_libnl_policy_mapping_t *m_out, *m_in, *m_fwd, *m_other, *m;
	kernel_libnl_policy_change_t change;
	host_t *peer;

	fwd.dir = POLICY_FWD;
	add(&out, mapping_between("192.0.2.1", "198.18.0.1", 0, 1), NULL);
	add(&in, mapping_between("198.18.0.1", "192.0.2.1", 0, 1), NULL);
	add(&fwd, mapping_between("198.18.0.1", "192.0.2.1", 0, 1), NULL);
	add(&other, mapping_between("198.18.0.1", "192.0.2.1", 4500, 2), NULL);
	m_out = head_of(&out);
	m_in = head_of(&in);
	m_fwd = head_of(&fwd);
	m_other = head_of(&other);

	/* the same address is one host, a different port another one */
	ck_assert(m_out->src == m_in->dst);
	ck_assert(m_out->dst == m_in->src);
	ck_assert(m_in->src == m_fwd->src && m_in->dst == m_fwd->dst);
	ck_assert(m_other->src != m_in->src);
	ck_assert_int_eq(m_other->src->get_port(m_other->src), 4500);
	ck_assert_int_eq(m_in->src->get_port(m_in->src), 0);

	/* removing users keeps the host for the others */
	peer = host_create_from_string("198.18.0.1", 0);
	m = mapping_between("198.18.0.1", "192.0.2.1", 0, 1);
	ck_assert_int_eq(store->del(store, &in, m, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_REMOVE);
	store->done(store, &change);
	ck_assert_int_eq(store->del(store, &other, m, &change), SUCCESS);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_KEEP);
	kernel_libnl_policy_mapping_destroy(m);
	ck_assert_int_eq(store->get_count(store), 3);
	ck_assert(m_other == head_of(&other));
	ck_assert(m_fwd->src->equals(m_fwd->src, peer));
	ck_assert(m_out->dst->equals(m_out->dst, peer));
	peer->destroy(peer);
	/* the rest is freed with the store */
}
END_TEST

START_TEST(test_data)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;
	void **data;

	store->add(store, &key, mapping_of(100, 100, 1), &change);
	data = kernel_libnl_policy_entry_data(change.entry);
	ck_assert(*data == NULL);
	*data = strdup("route");
	ck_assert(kernel_libnl_policy_entry_key(change.entry)->dir == POLICY_OUT);
	store->done(store, &change);
	store->add(store, &key, mapping_of(100, 100, 2), &change);
	ck_assert_str_eq(*kernel_libnl_policy_entry_data(change.entry), "route");
	store->done(store, &change);
	/* left attached: freed at destroy (by free) */
}
END_TEST

/**
 * Concurrent caller
 */
typedef struct {
	kernel_libnl_policy_key_t key;
	kernel_libnl_policy_mapping_t *mapping;
	kernel_libnl_policy_change_t change;
	bool is_del;
	bool returned;
} worker_t;

static void *worker(worker_t *w)
{
	if (w->is_del)
	{
		store->del(store, &w->key, w->mapping, &w->change);
	}
	else
	{
		store->add(store, &w->key, w->mapping, &w->change);
	}
	__atomic_store_n(&w->returned, TRUE, __ATOMIC_SEQ_CST);
	return NULL;
}

static bool returned(worker_t *w)
{
	return __atomic_load_n(&w->returned, __ATOMIC_SEQ_CST);
}

START_TEST(test_concurrent_same)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;
	worker_t w = {
		.key = key,
		.mapping = mapping_of(100, 100, 2),
	};
	thread_t *thread;

	/* checked out by us, the worker has to wait */
	store->add(store, &key, mapping_of(100, 100, 1), &change);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_INSTALL);
	thread = thread_create((void*)worker, &w);
	usleep(100000);
	ck_assert(!returned(&w));
	store->done(store, &change);
	thread->join(thread);
	ck_assert(returned(&w));
	ck_assert_int_eq(w.change.action, KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(w.change.refcount, 2);
	store->done(store, &w.change);
}
END_TEST

START_TEST(test_concurrent_other)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;
	worker_t w = {
		.key = key_of("10.1.0.0/16", "10.3.0.0/16", POLICY_OUT),
		.mapping = mapping_of(100, 100, 2),
	};
	thread_t *thread;

	/* another policy is not blocked */
	store->add(store, &key, mapping_of(100, 100, 1), &change);
	thread = thread_create((void*)worker, &w);
	thread->join(thread);
	ck_assert(returned(&w));
	ck_assert_int_eq(w.change.action, KERNEL_LIBNL_POLICY_INSTALL);
	store->done(store, &w.change);
	store->done(store, &change);
}
END_TEST

START_TEST(test_concurrent_remove)
{
	kernel_libnl_policy_key_t key = key_of("10.1.0.0/16", "10.2.0.0/16",
										   POLICY_OUT);
	kernel_libnl_policy_change_t change;
	kernel_libnl_policy_mapping_t *m;
	worker_t w = {
		.key = key,
		.mapping = mapping_of(100, 100, 2),
	};
	thread_t *thread;

	ck_assert_int_eq(add(&key, mapping_of(100, 100, 1), NULL),
					 KERNEL_LIBNL_POLICY_INSTALL);
	m = mapping_of(100, 100, 1);
	ck_assert_int_eq(store->del(store, &key, m, &change), SUCCESS);
	kernel_libnl_policy_mapping_destroy(m);
	ck_assert_int_eq(change.action, KERNEL_LIBNL_POLICY_REMOVE);

	/* a thread adding while the last user is removed keeps the policy, and
	 * installs it again with UPDPOLICY */
	thread = thread_create((void*)worker, &w);
	while (!store->get_count(store))
	{
		usleep(1000);
	}
	usleep(100000);
	ck_assert(!returned(&w));
	store->done(store, &change);
	thread->join(thread);
	ck_assert_int_eq(store->get_count(store), 1);
	ck_assert_int_eq(w.change.action, KERNEL_LIBNL_POLICY_REPLACE);
	ck_assert_int_eq(w.change.refcount, 1);
	store->done(store, &w.change);
	ck_assert_int_eq(del(&key, 100, 100, 2, NULL), KERNEL_LIBNL_POLICY_REMOVE);
	ck_assert_int_eq(store->get_count(store), 0);
}
END_TEST

/**
 * Many threads adding and deleting mappings of a few policies
 */
static void *stress(uintptr_t id)
{
	kernel_libnl_policy_key_t key;
	kernel_libnl_policy_change_t change;
	kernel_libnl_policy_mapping_t *m;
	char *dsts[] = { "10.2.0.0/16", "10.3.0.0/16" };
	int i;

	for (i = 0; i < 200; i++)
	{
		key = key_of("10.1.0.0/16", dsts[i % 2], POLICY_OUT);
		m = mapping_of(100 + (id % 3), 100, id + 1);
		store->add(store, &key, m, &change);
		if (change.action != KERNEL_LIBNL_POLICY_KEEP)
		{
			sched_yield();
			store->done(store, &change);
		}
		m = mapping_of(100 + (id % 3), 100, id + 1);
		ck_assert_int_eq(store->del(store, &key, m, &change), SUCCESS);
		kernel_libnl_policy_mapping_destroy(m);
		if (change.action != KERNEL_LIBNL_POLICY_KEEP)
		{
			sched_yield();
			store->done(store, &change);
		}
	}
	return NULL;
}

START_TEST(test_concurrent_stress)
{
	thread_t *threads[8];
	int i;

	for (i = 0; i < countof(threads); i++)
	{
		threads[i] = thread_create((void*)stress, (void*)(uintptr_t)i);
	}
	for (i = 0; i < countof(threads); i++)
	{
		threads[i]->join(threads[i]);
	}
	ck_assert_int_eq(store->get_count(store), 0);
}
END_TEST

Suite *policy_store_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("policy_store");

	tc = tcase_create("priority");
	tcase_add_test(tc, test_auto_priority);
	suite_add_tcase(s, tc);

	tc = tcase_create("sharing");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_install_remove);
	tcase_add_test(tc, test_del_not_found);
	tcase_add_test(tc, test_key_distinct);
	tcase_add_test(tc, test_order_priority);
	tcase_add_test(tc, test_order_ties);
	tcase_add_test(tc, test_trap_and_child);
	tcase_add_test(tc, test_mapping_match);
	tcase_add_test(tc, test_data);
	tcase_add_test(tc, test_shared_hosts);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_concurrent_same);
	tcase_add_test(tc, test_concurrent_other);
	tcase_add_test(tc, test_concurrent_remove);
	tcase_add_test(tc, test_concurrent_stress);
	suite_add_tcase(s, tc);

	return s;
}
