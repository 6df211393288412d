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
 * Append XFRMA_SEC_CTX (SELinux) for a security label, if any.  For policies
 * and SAs alike: GETPOLICY, and labels too large for libnl's builders
 * (KL_LIBNL_MAX_LABEL).
 *
 * @param msg		message, replaced if it has to grow
 * @param label		label, or NULL
 * @return			TRUE if appended or not needed
 */
bool kernel_libnl_xattr_sec_ctx(struct nl_msg **msg, sec_label_t *label);

/**
 * Whether a security label is too large for libnl's builders
 * (KL_LIBNL_MAX_LABEL), so it is appended with kernel_libnl_xattr_sec_ctx()
 * instead of being set on the libnl object.
 *
 * @param label		label, or NULL
 * @return			TRUE if the label is appended raw
 */
bool kernel_libnl_xattr_label_raw(sec_label_t *label);

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

/* ---- SAs (kernel_libnl_sa.c) ---- */

#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <networking/host.h>
#include <ipsec/ipsec_types.h>

/* attributes and values newer than the system's uapi headers (Linux 6.1):
 * the numbers are kernel ABI */
#define KL_XFRMA_SA_DIR					33
#define KL_XFRMA_SA_PCPU				35
#define KL_XFRMA_IPTFS_DROP_TIME		36
#define KL_XFRMA_IPTFS_REORDER_WINDOW	37
#define KL_XFRMA_IPTFS_DONT_FRAG		38
#define KL_XFRMA_IPTFS_INIT_DELAY		39
#define KL_XFRMA_IPTFS_MAX_QSIZE		40
#define KL_XFRMA_IPTFS_PKT_SIZE			41
#define KL_XFRM_SA_DIR_IN				1
#define KL_XFRM_SA_DIR_OUT				2
#define KL_XFRM_MODE_IPTFS				5

/**
 * Append a u32 SA attribute libnl-xfrm 3.7 does not model (XFRMA_IF_ID,
 * XFRMA_SA_EXTRA_FLAGS, XFRMA_MTIMER_THRESH, XFRMA_SA_PCPU, IP-TFS, ...).
 *
 * @param msg		message, replaced if it has to grow
 * @param type		attribute type
 * @param value		value
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_u32(struct nl_msg **msg, int type, uint32_t value);

/**
 * Append XFRMA_SA_DIR.
 *
 * @param msg		message, replaced if it has to grow
 * @param inbound	TRUE for XFRM_SA_DIR_IN, FALSE for XFRM_SA_DIR_OUT
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_dir(struct nl_msg **msg, bool inbound);

/**
 * Append XFRMA_SET_MARK and XFRMA_SET_MARK_MASK (output mark).
 *
 * @param msg		message, replaced if it has to grow
 * @param mark		output mark
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_set_mark(struct nl_msg **msg, mark_t mark);

/**
 * Append the IP-TFS attributes charon configures (charon.iptfs.*).
 *
 * @param msg		message, replaced if it has to grow
 * @param inbound	TRUE for the inbound (receive) parameters
 * @param dont_frag	outbound: don't fragment inner packets
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_iptfs(struct nl_msg **msg, bool inbound,
								 bool dont_frag);

/**
 * Append an encryption (XFRMA_ALG_CRYPT) or, with icv_bits, an AEAD
 * (XFRMA_ALG_AEAD) attribute.  The key is written into the message directly,
 * never into a libnl object or a temporary buffer.
 *
 * @param msg		message, replaced (wiped) if it has to grow
 * @param name		kernel algorithm name
 * @param key		key (incl. salt/nonce)
 * @param icv_bits	ICV length for AEADs, 0 for XFRMA_ALG_CRYPT
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_encr(struct nl_msg **msg, const char *name,
								chunk_t key, u_int icv_bits);

/**
 * Append an integrity algorithm: XFRMA_ALG_AUTH_TRUNC with trunc_bits,
 * else XFRMA_ALG_AUTH.  The key goes directly into the message.
 *
 * @param msg		message, replaced (wiped) if it has to grow
 * @param name		kernel algorithm name
 * @param key		key
 * @param trunc_bits	explicit truncation length, 0 for the kernel's default
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_integ(struct nl_msg **msg, const char *name,
								 chunk_t key, u_int trunc_bits);

/**
 * Append XFRMA_ALG_COMP.
 *
 * @param msg		message, replaced if it has to grow
 * @param name		kernel algorithm name
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_comp(struct nl_msg **msg, const char *name);

/**
 * Append XFRMA_ENCAP (ESP-in-UDP, zero original address).
 *
 * @param msg		message, replaced if it has to grow
 * @param sport		source port (host order)
 * @param dport		destination port (host order)
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_encap(struct nl_msg **msg, uint16_t sport,
								 uint16_t dport);

/**
 * Append XFRMA_MARK if value or mask is set (libnl's GETSA builder omits it
 * unless value & mask is set).
 *
 * @param msg		message, replaced if it has to grow
 * @param mark		mark
 * @return			TRUE if appended or not needed
 */
bool kernel_libnl_xattr_sa_mark(struct nl_msg **msg, mark_t mark);

/**
 * Copy an attribute verbatim (update_sa copies every attribute of the
 * existing SA, including those libnl-xfrm does not model).
 *
 * @param msg		message, replaced (wiped) if it has to grow
 * @param type		attribute type
 * @param data		payload
 * @param len		payload length
 * @return			TRUE if appended
 */
bool kernel_libnl_xattr_sa_copy(struct nl_msg **msg, int type,
								const void *data, size_t len);

/**
 * Set the sequence number of the xfrm_usersa_info of a built NEWSA/UPDSA
 * message (the acquire's seq, so the kernel matches the larval state);
 * libnl's builder never writes it.
 *
 * @param msg		NEWSA/UPDSA message
 * @param seq		sequence number
 * @return			TRUE if set
 */
bool kernel_libnl_xattr_sa_seq(struct nl_msg *msg, uint32_t seq);

/**
 * Build XFRM_MSG_ALLOCSPI (no libnl builder).
 *
 * @param src		source address
 * @param dst		destination address
 * @param proto		IPPROTO_ESP/AH/COMP
 * @param min		lowest SPI (host order)
 * @param max		highest SPI (host order)
 * @param sa_dir	add XFRMA_SA_DIR=IN
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_sa_allocspi(host_t *src, host_t *dst,
											  uint8_t proto, uint32_t min,
											  uint32_t max, bool sa_dir);

/**
 * Build XFRM_MSG_FLUSHSA for one protocol (no libnl builder).
 *
 * @param proto		IPPROTO_ESP/AH/COMP
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_sa_flush(uint8_t proto);

/**
 * Build XFRM_MSG_MIGRATE with one SA migration (probing and updates).
 *
 * @param sel		policy selector
 * @param dir		policy direction
 * @param migrate	the migration, or NULL for an empty probe
 * @return			request, NULL on failure
 */
struct nl_msg *kernel_libnl_xattr_sa_migrate(struct xfrm_selector *sel,
											 uint8_t dir,
											 struct xfrm_user_migrate *migrate);

#endif /** KERNEL_LIBNL_XATTR_H_ @}*/
