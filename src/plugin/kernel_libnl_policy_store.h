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

/**
 * @defgroup kernel_libnl_policy_store kernel_libnl_policy_store
 * @{ @ingroup kernel_libnl
 *
 * Sharing and priority logic of kernel policies, kernel-netlink's semantics,
 * pure: no I/O, no libnl.
 *
 * The kernel holds one policy per key (selector including the interface,
 * mark value & mask, if_id, direction, security label).  Every CHILD_SA (or
 * shunt) asking for it adds a mapping; the mappings of a key are ordered by
 * priority, ties by automatic priority, then mappings with a reqid first.
 * The head is what the kernel holds.  Adding a mapping that does not become
 * the head changes nothing in the kernel; removing the head re-installs the
 * next one (UPDPOLICY); removing the last one deletes the kernel policy.
 *
 * Each change checks a policy out (add()/del()); until the caller reports
 * the kernel round trip with done(), other threads changing the same policy
 * wait, threads changing other policies do not.  The store's lock is never
 * held while the caller talks to the kernel.
 */

#ifndef KERNEL_LIBNL_POLICY_STORE_H_
#define KERNEL_LIBNL_POLICY_STORE_H_

#include <linux/xfrm.h>

#include <library.h>
#include <networking/host.h>
#include <ipsec/ipsec_types.h>
#include <selectors/traffic_selector.h>
#include <selectors/sec_label.h>
#include <kernel/kernel_ipsec.h>

typedef struct kernel_libnl_policy_store_t kernel_libnl_policy_store_t;
typedef struct kernel_libnl_policy_key_t kernel_libnl_policy_key_t;
typedef struct kernel_libnl_policy_mapping_t kernel_libnl_policy_mapping_t;
typedef struct kernel_libnl_policy_entry_t kernel_libnl_policy_entry_t;
typedef struct kernel_libnl_policy_change_t kernel_libnl_policy_change_t;

/**
 * Identity of a kernel policy.
 */
struct kernel_libnl_policy_key_t {
	/** selector, including the interface index */
	struct xfrm_selector sel;
	/** mark value & mask */
	uint32_t mark;
	/** interface ID */
	uint32_t if_id;
	/** direction (POLICY_IN/OUT/FWD) */
	uint8_t dir;
	/** security label, or NULL (not owned in lookups, cloned when stored) */
	sec_label_t *label;
};

/**
 * One user (CHILD_SA, trap, shunt) of a kernel policy.
 */
struct kernel_libnl_policy_mapping_t {
	/** effective priority (manual or custom, else automatic) */
	uint32_t priority;
	/** automatic priority */
	uint32_t auto_priority;
	/** policy type */
	policy_type_t type;
	/** source address of the SA(s) */
	host_t *src;
	/** destination address of the SA(s) */
	host_t *dst;
	/** mark as configured (value and mask) */
	mark_t mark;
	/** interface ID */
	uint32_t if_id;
	/** SA details */
	ipsec_sa_cfg_t sa;
	/** HW offload mode (hw_offload_t) */
	int hw_offload;
	/** per-CPU acquires */
	bool pcpu_acquires;
	/** forward ICMP errors */
	bool forward_icmp;
	/** source traffic selector (for routes) */
	traffic_selector_t *src_ts;
	/** destination traffic selector (for routes) */
	traffic_selector_t *dst_ts;
	/** next mapping of the same policy (used by the store) */
	kernel_libnl_policy_mapping_t *next;
};

/**
 * What the caller has to tell the kernel after add()/del().
 */
typedef enum {
	/** nothing: the mapping is recorded, the installed one stays */
	KERNEL_LIBNL_POLICY_KEEP,
	/** install the head mapping with NEWPOLICY */
	KERNEL_LIBNL_POLICY_INSTALL,
	/** replace the kernel policy by the head mapping with UPDPOLICY */
	KERNEL_LIBNL_POLICY_REPLACE,
	/** delete the kernel policy */
	KERNEL_LIBNL_POLICY_REMOVE,
} kernel_libnl_policy_action_t;

/**
 * A checked-out policy change.
 */
struct kernel_libnl_policy_change_t {
	/** what to do */
	kernel_libnl_policy_action_t action;
	/** the policy (stable until done()); its key is entry's */
	kernel_libnl_policy_entry_t *entry;
	/** mapping to install (INSTALL/REPLACE), owned by the store */
	kernel_libnl_policy_mapping_t *mapping;
	/** number of mappings after the change */
	u_int refcount;
	/** priority of the installed mapping if KEEP */
	uint32_t installed_priority;
	/** TRUE if the head's reqid differs from the one installed before */
	bool reqid_changed;
	/** reqid installed before, if reqid_changed */
	uint32_t old_reqid;
};

/**
 * Policy store.
 */
struct kernel_libnl_policy_store_t {

	/**
	 * Add a mapping to a policy, creating the policy if needed, and check
	 * the policy out.
	 *
	 * If the action is KEEP the policy is checked in again already (done()
	 * must not be called), otherwise the caller talks to the kernel and then
	 * calls done().
	 *
	 * @param key		key of the policy (copied, label cloned)
	 * @param mapping	mapping, owned by the store from now on
	 * @param change	receives what to do
	 */
	void (*add)(kernel_libnl_policy_store_t *this,
				kernel_libnl_policy_key_t *key,
				kernel_libnl_policy_mapping_t *mapping,
				kernel_libnl_policy_change_t *change);

	/**
	 * Remove a mapping from a policy and check the policy out.
	 *
	 * The mapping removed is the first equal to the given one (priorities,
	 * type, addresses, mark, if_id, SA details).  If the action is KEEP the
	 * policy is checked in again already, otherwise the caller talks to
	 * the kernel and calls done().
	 *
	 * @param key		key of the policy
	 * @param mapping	mapping to remove (not owned, TS ignored)
	 * @param change	receives what to do
	 * @return			NOT_FOUND if there is no such policy, else SUCCESS
	 */
	status_t (*del)(kernel_libnl_policy_store_t *this,
					kernel_libnl_policy_key_t *key,
					kernel_libnl_policy_mapping_t *mapping,
					kernel_libnl_policy_change_t *change);

	/**
	 * Check a policy in after the kernel round trip of a change.
	 *
	 * A removed policy is forgotten unless another thread waits for it.
	 *
	 * @param change	change returned by add() or del()
	 */
	void (*done)(kernel_libnl_policy_store_t *this,
				 kernel_libnl_policy_change_t *change);

	/**
	 * Number of policies known.
	 */
	u_int (*get_count)(kernel_libnl_policy_store_t *this);

	/**
	 * Enumerate the mappings of a policy, head first (for tests and
	 * debugging; not thread-safe against concurrent changes).
	 *
	 * @param key		key of the policy
	 * @return			enumerator over kernel_libnl_policy_mapping_t*
	 */
	enumerator_t *(*create_mapping_enumerator)(kernel_libnl_policy_store_t *this,
											   kernel_libnl_policy_key_t *key);

	/**
	 * Destroy the store and all mappings, calling the data destructor for
	 * each policy that still has data attached.
	 */
	void (*destroy)(kernel_libnl_policy_store_t *this);
};

/**
 * Key of a checked-out policy.
 *
 * @param entry		policy
 * @return			its key
 */
kernel_libnl_policy_key_t *kernel_libnl_policy_entry_key(
										kernel_libnl_policy_entry_t *entry);

/**
 * Caller data attached to a policy (e.g. its route), only accessed while the
 * policy is checked out.
 *
 * @param entry		policy
 * @return			pointer to the data pointer
 */
void **kernel_libnl_policy_entry_data(kernel_libnl_policy_entry_t *entry);

/**
 * Create a policy store.
 *
 * @param data_destroy	destructor for data left attached at destroy, or NULL
 * @return				store
 */
kernel_libnl_policy_store_t *kernel_libnl_policy_store_create(
										void (*data_destroy)(void *data));

/**
 * Create a mapping (clones hosts and traffic selectors).
 *
 * @param type		policy type
 * @param src		SA source address
 * @param dst		SA destination address
 * @param mark		mark
 * @param if_id		interface ID
 * @param sa		SA details
 * @param src_ts	source traffic selector, or NULL
 * @param dst_ts	destination traffic selector, or NULL
 * @return			mapping, priorities unset
 */
kernel_libnl_policy_mapping_t *kernel_libnl_policy_mapping_create(
						policy_type_t type, host_t *src, host_t *dst,
						mark_t mark, uint32_t if_id, ipsec_sa_cfg_t *sa,
						traffic_selector_t *src_ts, traffic_selector_t *dst_ts);

/**
 * Destroy a mapping.
 *
 * @param mapping	mapping
 */
void kernel_libnl_policy_mapping_destroy(kernel_libnl_policy_mapping_t *mapping);

/**
 * kernel-netlink's automatic priority of a policy.
 *
 * Base 200000 for PASS, 400000 for DEFAULT and ROUTED, 600000 for
 * FALLBACK, minus 512 per prefix bit, 256 for a protocol, 4 per port mask
 * bit, 2 for an interface, 1 unless ROUTED.
 *
 * @param sel		selector
 * @param prio		priority class
 * @param interface	TRUE if restricted to an interface
 * @return			priority
 */
uint32_t kernel_libnl_policy_auto_priority(struct xfrm_selector *sel,
										   policy_priority_t prio,
										   bool interface);

#endif /** KERNEL_LIBNL_POLICY_STORE_H_ @}*/
