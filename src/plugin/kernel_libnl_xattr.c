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

#include "kernel_libnl_xattr.h"
/* ---- policies (kernel_libnl_policy.c) ---- */

#include "kernel_libnl_msg.h"

/*
 * Described in header
 */
bool kernel_libnl_xattr_policy_if_id(struct nl_msg **msg, uint32_t if_id)
{
	return !if_id || kernel_libnl_msg_put(msg, XFRMA_IF_ID, sizeof(if_id),
										  &if_id);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_policy_offload(struct nl_msg **msg, int ifindex,
									   uint8_t flags)
{
	struct xfrm_user_offload offload = {
		.ifindex = ifindex,
		.flags = flags,
	};

	return kernel_libnl_msg_put(msg, XFRMA_OFFLOAD_DEV, sizeof(offload),
								&offload);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_policy_label(struct nl_msg **msg, sec_label_t *label)
{
	struct xfrm_user_sec_ctx *ctx;
	chunk_t enc;
	size_t len;
	bool ok;

	if (!label)
	{
		return TRUE;
	}
	enc = label->get_encoding(label);
	len = sizeof(*ctx) + enc.len;
	ctx = calloc(1, len);
	/* the attribute duplicates the generic header */
	ctx->exttype = XFRMA_SEC_CTX;
	ctx->len = len;
	ctx->ctx_doi = XFRM_SC_DOI_LSM;
	ctx->ctx_alg = XFRM_SC_ALG_SELINUX;
	ctx->ctx_len = enc.len;
	memcpy(ctx + 1, enc.ptr, enc.len);
	ok = kernel_libnl_msg_put(msg, XFRMA_SEC_CTX, len, ctx);
	free(ctx);
	return ok;
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_policy_get(struct xfrm_selector *sel,
											 uint8_t dir, mark_t mark,
											 uint32_t if_id,
											 sec_label_t *label)
{
	struct xfrm_userpolicy_id id = {
		.sel = *sel,
		.dir = dir,
	};
	struct xfrm_mark xmark = {
		.v = mark.value,
		.m = mark.mask,
	};
	struct nl_msg *msg;

	msg = kernel_libnl_msg_alloc(XFRM_MSG_GETPOLICY, 0, &id, sizeof(id));
	if (msg &&
		(((mark.value | mark.mask) &&
		  !kernel_libnl_msg_put(&msg, XFRMA_MARK, sizeof(xmark), &xmark)) ||
		 !kernel_libnl_xattr_policy_if_id(&msg, if_id) ||
		 !kernel_libnl_xattr_policy_label(&msg, label)))
	{
		kernel_libnl_msg_free(msg);
		msg = NULL;
	}
	return msg;
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_policy_flush()
{
	/* without XFRMA_POLICY_TYPE the kernel flushes main policies */
	return kernel_libnl_msg_alloc(XFRM_MSG_FLUSHPOLICY, 0, NULL, 0);
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_spdinfo_get()
{
	uint32_t flags = 0;

	return kernel_libnl_msg_alloc(XFRM_MSG_GETSPDINFO, 0, &flags,
								  sizeof(flags));
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_spdinfo_set(int type, uint8_t lbits,
											  uint8_t rbits)
{
	struct xfrmu_spdhthresh thresh = {
		.lbits = lbits,
		.rbits = rbits,
	};
	uint32_t flags = 0;
	struct nl_msg *msg;

	msg = kernel_libnl_msg_alloc(XFRM_MSG_NEWSPDINFO, 0, &flags,
								 sizeof(flags));
	if (msg && !kernel_libnl_msg_put(&msg, type, sizeof(thresh), &thresh))
	{
		kernel_libnl_msg_free(msg);
		msg = NULL;
	}
	return msg;
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_spdinfo_parse(struct nlmsghdr *hdr, int type,
									  uint8_t *lbits, uint8_t *rbits)
{
	struct xfrmu_spdhthresh *thresh;
	struct nlattr *attr;
	int rem;

	if (hdr->nlmsg_type != XFRM_MSG_NEWSPDINFO ||
		hdr->nlmsg_len < NLMSG_LENGTH(sizeof(uint32_t)))
	{
		return FALSE;
	}
	nla_for_each_attr(attr, nlmsg_attrdata(hdr, sizeof(uint32_t)),
					  nlmsg_attrlen(hdr, sizeof(uint32_t)), rem)
	{
		if (nla_type(attr) == type && nla_len(attr) == sizeof(*thresh))
		{
			thresh = nla_data(attr);
			*lbits = thresh->lbits;
			*rbits = thresh->rbits;
			return TRUE;
		}
	}
	return FALSE;
}

