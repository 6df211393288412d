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

#include "kernel_libnl_policy_store.h"
#include "kernel_libnl_hostpool.h"
#include "kernel_libnl_selector.h"

#include <collections/hashtable.h>
#include <collections/linked_list.h>
#include <threading/mutex.h>
#include <threading/condvar.h>

/** base of the automatic priorities (kernel-netlink's PRIO_BASE) */
#define PRIO_BASE 200000

typedef struct private_kernel_libnl_policy_store_t private_kernel_libnl_policy_store_t;

/**
 * Private data of a kernel_libnl_policy_store_t object.
 */
struct private_kernel_libnl_policy_store_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_policy_store_t public;

	/**
	 * Policies, kernel_libnl_policy_entry_t by lookup_t
	 */
	hashtable_t *policies;

	/**
	 * SA addresses of the stored mappings, shared between them (the in, out
	 * and fwd policies of a CHILD_SA use the same two)
	 */
	kernel_libnl_hostpool_t *hosts;

	/**
	 * Protects the table and the entries' bookkeeping
	 */
	mutex_t *mutex;

	/**
	 * Signalled when a policy is checked in and threads wait for it
	 */
	condvar_t *condvar;

	/**
	 * Destructor of caller data attached to policies
	 */
	void (*data_destroy)(void *data);
};

/**
 * What the table is keyed by: a key with its hash, computed once per call
 * (get() then put() or remove() would each run SipHash again)
 */
typedef struct {
	/** the key */
	kernel_libnl_policy_key_t *key;
	/** key_hash() of it */
	u_int hash;
} lookup_t;

/**
 * A kernel policy.
 */
struct kernel_libnl_policy_entry_t {

	/** key, label owned */
	kernel_libnl_policy_key_t key;

	/** table key, for key */
	lookup_t lookup;

	/** mappings linked by their next pointer, head installed */
	kernel_libnl_policy_mapping_t *used_by;

	/** number of mappings */
	u_int count;

	/** reqid of the installed mapping */
	uint32_t reqid;

	/** caller data (route) */
	void *data;

	/** threads waiting to change this policy */
	u_int waiting;

	/** TRUE while checked out */
	bool working;
};

/*
 * Described in header
 */
uint32_t kernel_libnl_policy_auto_priority(struct xfrm_selector *sel,
										   policy_priority_t prio,
										   bool interface)
{
	uint32_t priority = PRIO_BASE;

	switch (prio)
	{
		case POLICY_PRIORITY_FALLBACK:
			priority += PRIO_BASE;
			/* fall-through */
		case POLICY_PRIORITY_ROUTED:
		case POLICY_PRIORITY_DEFAULT:
			priority += PRIO_BASE;
			/* fall-through */
		case POLICY_PRIORITY_PASS:
			break;
	}
	priority -= (sel->prefixlen_s + sel->prefixlen_d) * 512;
	priority -= sel->proto ? 256 : 0;
	priority -= (kernel_libnl_port_mask_bits(sel->sport_mask) +
				 kernel_libnl_port_mask_bits(sel->dport_mask)) * 4;
	priority -= interface ? 2 : 0;
	priority -= prio != POLICY_PRIORITY_ROUTED;
	return priority;
}

/*
 * Described in header
 */
kernel_libnl_policy_mapping_t *kernel_libnl_policy_mapping_create(
						policy_type_t type, host_t *src, host_t *dst,
						mark_t mark, uint32_t if_id, ipsec_sa_cfg_t *sa,
						traffic_selector_t *src_ts, traffic_selector_t *dst_ts)
{
	kernel_libnl_policy_mapping_t *this;

	INIT(this,
		.type = type,
		.src = src->clone(src),
		.dst = dst->clone(dst),
		.mark = mark,
		.if_id = if_id,
		.sa = *sa,
		.src_ts = src_ts ? src_ts->clone(src_ts) : NULL,
		.dst_ts = dst_ts ? dst_ts->clone(dst_ts) : NULL,
	);
	return this;
}

/*
 * Described in header
 */
void kernel_libnl_policy_mapping_destroy(kernel_libnl_policy_mapping_t *this)
{
	if (this)
	{
		this->src->destroy(this->src);
		this->dst->destroy(this->dst);
		DESTROY_IF(this->src_ts);
		DESTROY_IF(this->dst_ts);
		free(this);
	}
}

/**
 * Whether two mappings stand for the same user (kernel-netlink's match)
 */
static bool mapping_equals(kernel_libnl_policy_mapping_t *a,
						   kernel_libnl_policy_mapping_t *b)
{
	return a->priority == b->priority &&
		   a->auto_priority == b->auto_priority &&
		   a->type == b->type &&
		   a->src->ip_equals(a->src, b->src) &&
		   a->dst->ip_equals(a->dst, b->dst) &&
		   a->mark.value == b->mark.value &&
		   a->mark.mask == b->mark.mask &&
		   a->if_id == b->if_id &&
		   a->hw_offload == b->hw_offload &&
		   ipsec_sa_cfg_equals(&a->sa, &b->sa);
}

/**
 * Whether mapping a goes before b in the list
 */
static bool mapping_before(kernel_libnl_policy_mapping_t *a,
						   kernel_libnl_policy_mapping_t *b)
{
	if (a->priority != b->priority)
	{
		return a->priority < b->priority;
	}
	if (a->auto_priority != b->auto_priority)
	{
		return a->auto_priority < b->auto_priority;
	}
	/* a new mapping goes before existing equal ones, unless it has no reqid
	 * and the existing one has */
	return a->sa.reqid || !b->sa.reqid;
}

/**
 * Hash of a key
 */
static u_int key_hash(kernel_libnl_policy_key_t *key)
{
	struct xfrm_selector *sel = &key->sel;
	/* most of what key_equals() compares, packed for a single SipHash run
	 * (one per field cost more than the rest of a policy lookup), with the
	 * addresses last and only as long as the family's, which halves the
	 * input for IPv4 */
	struct __attribute__((packed)) {
		__be16 dport, dport_mask, sport, sport_mask;
		uint32_t mark, if_id;
		uint8_t prefixlen_d, prefixlen_s, proto, dir;
		u_char addrs[2 * sizeof(xfrm_address_t)];
	} buf = {
		.dport = sel->dport,
		.dport_mask = sel->dport_mask,
		.sport = sel->sport,
		.sport_mask = sel->sport_mask,
		.mark = key->mark,
		.if_id = key->if_id,
		.prefixlen_d = sel->prefixlen_d,
		.prefixlen_s = sel->prefixlen_s,
		.proto = sel->proto,
		.dir = key->dir,
	};
	size_t alen = sel->family == AF_INET ? 4 : sizeof(xfrm_address_t);
	u_int hash;

	memcpy(buf.addrs, &sel->daddr, alen);
	memcpy(buf.addrs + alen, &sel->saddr, alen);
	hash = chunk_hash(chunk_create((u_char*)&buf,
								   offsetof(typeof(buf), addrs) + 2 * alen));
	if (key->label)
	{
		hash = key->label->hash(key->label, hash);
	}
	return hash;
}

/**
 * Equality of selectors, field by field (no padding compared)
 */
static bool sel_equals(struct xfrm_selector *a, struct xfrm_selector *b)
{
	return memeq(&a->daddr, &b->daddr, sizeof(a->daddr)) &&
		   memeq(&a->saddr, &b->saddr, sizeof(a->saddr)) &&
		   a->dport == b->dport && a->dport_mask == b->dport_mask &&
		   a->sport == b->sport && a->sport_mask == b->sport_mask &&
		   a->family == b->family && a->prefixlen_d == b->prefixlen_d &&
		   a->prefixlen_s == b->prefixlen_s && a->proto == b->proto &&
		   a->ifindex == b->ifindex && a->user == b->user;
}

/**
 * Equality of keys
 */
static bool key_equals(kernel_libnl_policy_key_t *a,
					   kernel_libnl_policy_key_t *b)
{
	return sel_equals(&a->sel, &b->sel) &&
		   a->mark == b->mark &&
		   a->if_id == b->if_id &&
		   a->dir == b->dir &&
		   sec_labels_equal(a->label, b->label);
}

/**
 * Hash of a table key
 */
static u_int lookup_hash(lookup_t *lookup)
{
	return lookup->hash;
}

/**
 * Equality of table keys
 */
static bool lookup_equals(lookup_t *a, lookup_t *b)
{
	return a->hash == b->hash && key_equals(a->key, b->key);
}

/**
 * Table key of a key
 */
static lookup_t lookup_of(kernel_libnl_policy_key_t *key)
{
	return (lookup_t){
		.key = key,
		.hash = key_hash(key),
	};
}

/*
 * Described in header
 */
kernel_libnl_policy_key_t *kernel_libnl_policy_entry_key(
										kernel_libnl_policy_entry_t *entry)
{
	return &entry->key;
}

/*
 * Described in header
 */
void **kernel_libnl_policy_entry_data(kernel_libnl_policy_entry_t *entry)
{
	return &entry->data;
}

/**
 * Replace a host owned by a mapping that gets stored by the shared equal
 * one, mutex locked
 */
static void share_host(private_kernel_libnl_policy_store_t *this,
					   host_t **host)
{
	host_t *shared;

	shared = this->hosts->get(this->hosts, *host);
	(*host)->destroy(*host);
	*host = shared;
}

/**
 * Destroy a stored mapping, mutex locked
 */
static void stored_mapping_destroy(private_kernel_libnl_policy_store_t *this,
								   kernel_libnl_policy_mapping_t *mapping)
{
	this->hosts->put(this->hosts, mapping->src);
	this->hosts->put(this->hosts, mapping->dst);
	DESTROY_IF(mapping->src_ts);
	DESTROY_IF(mapping->dst_ts);
	free(mapping);
}

/**
 * Destroy an entry, mutex locked (or store destroyed)
 */
static void entry_destroy(private_kernel_libnl_policy_store_t *this,
						  kernel_libnl_policy_entry_t *entry)
{
	kernel_libnl_policy_mapping_t *mapping;

	if (entry->data && this->data_destroy)
	{
		this->data_destroy(entry->data);
	}
	while ((mapping = entry->used_by))
	{
		entry->used_by = mapping->next;
		stored_mapping_destroy(this, mapping);
	}
	DESTROY_IF(entry->key.label);
	free(entry);
}

/**
 * Wait until a policy is not checked out and check it out, mutex locked
 */
static void checkout(private_kernel_libnl_policy_store_t *this,
					 kernel_libnl_policy_entry_t *entry)
{
	entry->waiting++;
	while (entry->working)
	{
		this->condvar->wait(this->condvar, this->mutex);
	}
	entry->waiting--;
	entry->working = TRUE;
}

/**
 * Check a policy in, mutex locked
 */
static void checkin(private_kernel_libnl_policy_store_t *this,
					kernel_libnl_policy_entry_t *entry)
{
	entry->working = FALSE;
	if (entry->waiting)
	{
		this->condvar->broadcast(this->condvar);
	}
}

/**
 * Note a new head's reqid, mutex locked
 */
static void update_reqid(kernel_libnl_policy_entry_t *entry,
						 kernel_libnl_policy_mapping_t *head,
						 kernel_libnl_policy_change_t *change)
{
	if (entry->reqid != head->sa.reqid)
	{
		change->reqid_changed = TRUE;
		change->old_reqid = entry->reqid;
		entry->reqid = head->sa.reqid;
	}
}

METHOD(kernel_libnl_policy_store_t, add, void,
	private_kernel_libnl_policy_store_t *this, kernel_libnl_policy_key_t *key,
	kernel_libnl_policy_mapping_t *mapping,
	kernel_libnl_policy_change_t *change)
{
	kernel_libnl_policy_entry_t *entry;
	kernel_libnl_policy_mapping_t *current;
	kernel_libnl_policy_mapping_t **pos;
	lookup_t lookup = lookup_of(key);
	bool found = FALSE, head = TRUE;

	*change = (kernel_libnl_policy_change_t){};

	this->mutex->lock(this->mutex);
	share_host(this, &mapping->src);
	share_host(this, &mapping->dst);
	entry = this->policies->get(this->policies, &lookup);
	if (entry)
	{
		found = TRUE;
		checkout(this, entry);
	}
	else
	{
		INIT(entry,
			.key = *key,
			.reqid = mapping->sa.reqid,
			.working = TRUE,
		);
		entry->key.label = key->label ? key->label->clone(key->label) : NULL;
		entry->lookup = (lookup_t){
			.key = &entry->key,
			.hash = lookup.hash,
		};
		this->policies->put(this->policies, &entry->lookup, entry);
	}

	for (pos = &entry->used_by; *pos; pos = &(*pos)->next)
	{
		current = *pos;
		if (mapping_before(mapping, current))
		{
			break;
		}
		if (head)
		{
			change->installed_priority = current->priority;
			head = FALSE;
		}
	}
	mapping->next = *pos;
	*pos = mapping;
	entry->count++;

	change->entry = entry;
	change->refcount = entry->count;
	if (!head)
	{
		change->action = KERNEL_LIBNL_POLICY_KEEP;
		checkin(this, entry);
	}
	else
	{
		update_reqid(entry, mapping, change);
		change->action = found ? KERNEL_LIBNL_POLICY_REPLACE
							   : KERNEL_LIBNL_POLICY_INSTALL;
		change->mapping = mapping;
	}
	this->mutex->unlock(this->mutex);
}

METHOD(kernel_libnl_policy_store_t, del, status_t,
	private_kernel_libnl_policy_store_t *this, kernel_libnl_policy_key_t *key,
	kernel_libnl_policy_mapping_t *mapping,
	kernel_libnl_policy_change_t *change)
{
	kernel_libnl_policy_entry_t *entry;
	kernel_libnl_policy_mapping_t *current;
	kernel_libnl_policy_mapping_t **pos;
	lookup_t lookup = lookup_of(key);
	bool installed = TRUE;

	*change = (kernel_libnl_policy_change_t){};

	this->mutex->lock(this->mutex);
	entry = this->policies->get(this->policies, &lookup);
	if (!entry)
	{
		this->mutex->unlock(this->mutex);
		return NOT_FOUND;
	}
	checkout(this, entry);

	for (pos = &entry->used_by; *pos; pos = &(*pos)->next)
	{
		current = *pos;
		if (mapping_equals(mapping, current))
		{
			*pos = current->next;
			entry->count--;
			stored_mapping_destroy(this, current);
			break;
		}
		if (installed)
		{
			change->installed_priority = current->priority;
			installed = FALSE;
		}
	}

	change->entry = entry;
	change->refcount = entry->count;
	if (!change->refcount)
	{
		change->action = KERNEL_LIBNL_POLICY_REMOVE;
	}
	else if (!installed)
	{
		change->action = KERNEL_LIBNL_POLICY_KEEP;
		checkin(this, entry);
	}
	else
	{
		current = entry->used_by;
		update_reqid(entry, current, change);
		change->action = KERNEL_LIBNL_POLICY_REPLACE;
		change->mapping = current;
	}
	this->mutex->unlock(this->mutex);
	return SUCCESS;
}

METHOD(kernel_libnl_policy_store_t, done, void,
	private_kernel_libnl_policy_store_t *this,
	kernel_libnl_policy_change_t *change)
{
	kernel_libnl_policy_entry_t *entry = change->entry;

	if (!entry || change->action == KERNEL_LIBNL_POLICY_KEEP)
	{
		return;
	}
	this->mutex->lock(this->mutex);
	if (change->action == KERNEL_LIBNL_POLICY_REMOVE && !entry->waiting &&
		!entry->used_by)
	{	/* nobody else needs it */
		this->policies->remove(this->policies, &entry->lookup);
		entry_destroy(this, entry);
	}
	else
	{
		checkin(this, entry);
	}
	this->mutex->unlock(this->mutex);
	change->entry = NULL;
	change->mapping = NULL;
}

METHOD(kernel_libnl_policy_store_t, get_count, u_int,
	private_kernel_libnl_policy_store_t *this)
{
	u_int count;

	this->mutex->lock(this->mutex);
	count = this->policies->get_count(this->policies);
	this->mutex->unlock(this->mutex);
	return count;
}

/**
 * Enumerator over the mappings of a policy
 */
typedef struct {
	/** public interface */
	enumerator_t public;
	/** next mapping to return */
	kernel_libnl_policy_mapping_t *next;
} mapping_enumerator_t;

METHOD(enumerator_t, enumerate_mappings, bool,
	mapping_enumerator_t *this, va_list args)
{
	kernel_libnl_policy_mapping_t **mapping;

	VA_ARGS_VGET(args, mapping);
	if (!this->next)
	{
		return FALSE;
	}
	*mapping = this->next;
	this->next = this->next->next;
	return TRUE;
}

METHOD(kernel_libnl_policy_store_t, create_mapping_enumerator, enumerator_t*,
	private_kernel_libnl_policy_store_t *this, kernel_libnl_policy_key_t *key)
{
	kernel_libnl_policy_entry_t *entry;
	mapping_enumerator_t *enumerator;
	lookup_t lookup = lookup_of(key);

	this->mutex->lock(this->mutex);
	entry = this->policies->get(this->policies, &lookup);
	INIT(enumerator,
		.public = {
			.enumerate = enumerator_enumerate_default,
			.venumerate = _enumerate_mappings,
			.destroy = (void*)free,
		},
		.next = entry ? entry->used_by : NULL,
	);
	this->mutex->unlock(this->mutex);
	return &enumerator->public;
}

METHOD(kernel_libnl_policy_store_t, destroy, void,
	private_kernel_libnl_policy_store_t *this)
{
	kernel_libnl_policy_entry_t *entry;
	enumerator_t *enumerator;

	enumerator = this->policies->create_enumerator(this->policies);
	while (enumerator->enumerate(enumerator, NULL, &entry))
	{
		entry_destroy(this, entry);
	}
	enumerator->destroy(enumerator);
	this->policies->destroy(this->policies);
	this->hosts->destroy(this->hosts);
	this->condvar->destroy(this->condvar);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_policy_store_t *kernel_libnl_policy_store_create(
										void (*data_destroy)(void *data))
{
	private_kernel_libnl_policy_store_t *this;

	INIT(this,
		.public = {
			.add = _add,
			.del = _del,
			.done = _done,
			.get_count = _get_count,
			.create_mapping_enumerator = _create_mapping_enumerator,
			.destroy = _destroy,
		},
		.policies = hashtable_create((hashtable_hash_t)lookup_hash,
									 (hashtable_equals_t)lookup_equals, 32),
		.hosts = kernel_libnl_hostpool_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
		.data_destroy = data_destroy,
	);
	return &this->public;
}
