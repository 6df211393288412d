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
 * @defgroup kernel_libnl_xattr kernel_libnl_xattr
 * @{ @ingroup kernel_libnl
 */

#ifndef KERNEL_LIBNL_XATTR_H_
#define KERNEL_LIBNL_XATTR_H_

#include <library.h>

/* ---- policies (kernel_libnl_policy.c) ---- */

#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <ipsec/ipsec_types.h>
#include <selectors/sec_label.h>

/**
 * Append XFRMA_IF_ID to a policy message if the interface ID is not 0
 * (libnl-xfrm 3.7 cannot set it on policies).
 *
 * @param msg		message, replaced if it has to grow
 * @param if_id		interface ID
 * @return			TRUE if appended or not needed
 */
bool kernel_libnl_xattr_policy_if_id(struct nl_msg **msg, uint32_t if_id);

/**
 * Append XFRMA_OFFLOAD_DEV to a policy message (packet offload).
 *
 * @param msg		message, replaced if it has to grow
 * @param ifindex	interface to offload to
 * @param flags		XFRM_OFFLOAD_* flags
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_policy_offload(struct nl_msg **msg, int ifindex,
									   uint8_t flags);

/**
 * Append XFRMA_SEC_CTX (SELinux) for a security label, if any.
 *
 * @param msg		message, replaced if it has to grow
 * @param label		label, or NULL
 * @return			TRUE if appended or not needed
 */
bool kernel_libnl_xattr_policy_label(struct nl_msg **msg, sec_label_t *label);

/**
 * Build XFRM_MSG_GETPOLICY by selector and direction (libnl-xfrm only looks
 * policies up by index), with mark, interface ID and label.
 *
 * @param sel		selector
 * @param dir		direction
 * @param mark		mark (added if value or mask is set)
 * @param if_id		interface ID (added if not 0)
 * @param label		label, or NULL
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_policy_get(struct xfrm_selector *sel,
											 uint8_t dir, mark_t mark,
											 uint32_t if_id,
											 sec_label_t *label);

/**
 * Build XFRM_MSG_FLUSHPOLICY for the main policy type.
 *
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_policy_flush();

/**
 * Build XFRM_MSG_GETSPDINFO.
 *
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_spdinfo_get();

/**
 * Build XFRM_MSG_NEWSPDINFO setting one hash threshold.
 *
 * @param type		XFRMA_SPD_IPV4_HTHRESH or XFRMA_SPD_IPV6_HTHRESH
 * @param lbits		local prefix bits
 * @param rbits		remote prefix bits
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_spdinfo_set(int type, uint8_t lbits,
											  uint8_t rbits);

/**
 * Read a hash threshold from an XFRM_MSG_NEWSPDINFO reply.
 *
 * @param hdr		reply (length checked by the caller)
 * @param type		XFRMA_SPD_IPV4_HTHRESH or XFRMA_SPD_IPV6_HTHRESH
 * @param lbits		receives local prefix bits
 * @param rbits		receives remote prefix bits
 * @return			TRUE if found
 */
bool kernel_libnl_xattr_spdinfo_parse(struct nlmsghdr *hdr, int type,
									  uint8_t *lbits, uint8_t *rbits);

#endif /** KERNEL_LIBNL_XATTR_H_ @}*/
