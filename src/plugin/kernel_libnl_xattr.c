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
bool kernel_libnl_xattr_sec_ctx(struct nl_msg **msg, sec_label_t *label)
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
bool kernel_libnl_xattr_label_raw(sec_label_t *label)
{
	return label && label->get_encoding(label).len > KL_LIBNL_MAX_LABEL;
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
		 !kernel_libnl_xattr_sec_ctx(&msg, label)))
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

/* ---- SAs (kernel_libnl_sa.c) ---- */

#include "kernel_libnl_msg.h"
#include "kernel_libnl_selector.h"

#include <linux/udp.h>

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_u32(struct nl_msg **msg, int type, uint32_t value)
{
	return kernel_libnl_msg_put(msg, type, sizeof(value), &value);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_dir(struct nl_msg **msg, bool inbound)
{
	uint8_t dir = inbound ? KL_XFRM_SA_DIR_IN : KL_XFRM_SA_DIR_OUT;

	return kernel_libnl_msg_put(msg, KL_XFRMA_SA_DIR, sizeof(dir), &dir);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_set_mark(struct nl_msg **msg, mark_t mark)
{
	return kernel_libnl_xattr_sa_u32(msg, XFRMA_SET_MARK, mark.value) &&
		   kernel_libnl_xattr_sa_u32(msg, XFRMA_SET_MARK_MASK, mark.mask);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_iptfs(struct nl_msg **msg, bool inbound,
								 bool dont_frag)
{
	uint16_t reorder;

	if (inbound)
	{
		reorder = lib->settings->get_int(lib->settings,
							"%s.iptfs.reorder_window", 3, lib->ns);
		return kernel_libnl_xattr_sa_u32(msg, KL_XFRMA_IPTFS_DROP_TIME,
					lib->settings->get_int(lib->settings,
							"%s.iptfs.drop_time", 1000000, lib->ns)) &&
			   kernel_libnl_msg_put(msg, KL_XFRMA_IPTFS_REORDER_WINDOW,
							sizeof(reorder), &reorder);
	}
	return kernel_libnl_xattr_sa_u32(msg, KL_XFRMA_IPTFS_INIT_DELAY,
					lib->settings->get_int(lib->settings,
							"%s.iptfs.init_delay", 0, lib->ns)) &&
		   kernel_libnl_xattr_sa_u32(msg, KL_XFRMA_IPTFS_MAX_QSIZE,
					lib->settings->get_int(lib->settings,
							"%s.iptfs.max_queue_size", 1048576, lib->ns)) &&
		   kernel_libnl_xattr_sa_u32(msg, KL_XFRMA_IPTFS_PKT_SIZE,
					lib->settings->get_int(lib->settings,
							"%s.iptfs.packet_size", 0, lib->ns)) &&
		   (!dont_frag ||
			kernel_libnl_msg_put(msg, KL_XFRMA_IPTFS_DONT_FRAG, 0, NULL));
}

/**
 * Reserve an attribute of the given size in the message, zeroed
 */
static void *reserve_attr(struct nl_msg **msg, int type, size_t len)
{
	struct nlattr *attr;

	if (!kernel_libnl_msg_reserve(msg, nla_total_size(len)))
	{
		return NULL;
	}
	attr = nla_reserve(*msg, type, len);
	if (!attr)
	{
		return NULL;
	}
	memset(nla_data(attr), 0, len);
	return nla_data(attr);
}

/**
 * Copy an algorithm name into a fixed size field
 */
static void set_alg_name(char *dst, const char *name)
{
	/* alg_name is char[64] in all xfrm_algo* structs, zeroed by
	 * reserve_attr(); not snprintf(): with strongSwan's printf hooks that
	 * took a tenth of an SA install's user-space instructions */
	strncpy(dst, name, 63);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_encr(struct nl_msg **msg, const char *name,
								chunk_t key, u_int icv_bits)
{
	if (icv_bits)
	{
		struct xfrm_algo_aead *aead;

		aead = reserve_attr(msg, XFRMA_ALG_AEAD, sizeof(*aead) + key.len);
		if (!aead)
		{
			return FALSE;
		}
		set_alg_name(aead->alg_name, name);
		aead->alg_key_len = key.len * 8;
		aead->alg_icv_len = icv_bits;
		memcpy(aead->alg_key, key.ptr, key.len);
	}
	else
	{
		struct xfrm_algo *algo;

		algo = reserve_attr(msg, XFRMA_ALG_CRYPT, sizeof(*algo) + key.len);
		if (!algo)
		{
			return FALSE;
		}
		set_alg_name(algo->alg_name, name);
		algo->alg_key_len = key.len * 8;
		memcpy(algo->alg_key, key.ptr, key.len);
	}
	return TRUE;
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_integ(struct nl_msg **msg, const char *name,
								 chunk_t key, u_int trunc_bits)
{
	if (trunc_bits)
	{
		struct xfrm_algo_auth *auth;

		auth = reserve_attr(msg, XFRMA_ALG_AUTH_TRUNC, sizeof(*auth) + key.len);
		if (!auth)
		{
			return FALSE;
		}
		set_alg_name(auth->alg_name, name);
		auth->alg_key_len = key.len * 8;
		auth->alg_trunc_len = trunc_bits;
		memcpy(auth->alg_key, key.ptr, key.len);
	}
	else
	{
		struct xfrm_algo *algo;

		algo = reserve_attr(msg, XFRMA_ALG_AUTH, sizeof(*algo) + key.len);
		if (!algo)
		{
			return FALSE;
		}
		set_alg_name(algo->alg_name, name);
		algo->alg_key_len = key.len * 8;
		memcpy(algo->alg_key, key.ptr, key.len);
	}
	return TRUE;
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_comp(struct nl_msg **msg, const char *name)
{
	struct xfrm_algo *algo;

	algo = reserve_attr(msg, XFRMA_ALG_COMP, sizeof(*algo));
	if (!algo)
	{
		return FALSE;
	}
	set_alg_name(algo->alg_name, name);
	return TRUE;
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_encap(struct nl_msg **msg, uint16_t sport,
								 uint16_t dport)
{
	struct xfrm_encap_tmpl tmpl = {
		.encap_type = UDP_ENCAP_ESPINUDP,
		.encap_sport = htons(sport),
		.encap_dport = htons(dport),
	};

	return kernel_libnl_msg_put(msg, XFRMA_ENCAP, sizeof(tmpl), &tmpl);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_mark(struct nl_msg **msg, mark_t mark)
{
	struct xfrm_mark xmark = {
		.v = mark.value,
		.m = mark.mask,
	};

	return !(mark.value | mark.mask) ||
		   kernel_libnl_msg_put(msg, XFRMA_MARK, sizeof(xmark), &xmark);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_copy(struct nl_msg **msg, int type,
								const void *data, size_t len)
{
	return kernel_libnl_msg_put(msg, type, len, data);
}

/*
 * Described in header
 */
bool kernel_libnl_xattr_sa_seq(struct nl_msg *msg, uint32_t seq)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct xfrm_usersa_info *info;

	if ((hdr->nlmsg_type != XFRM_MSG_NEWSA &&
		 hdr->nlmsg_type != XFRM_MSG_UPDSA) ||
		hdr->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
	{
		return FALSE;
	}
	info = nlmsg_data(hdr);
	info->seq = seq;
	return TRUE;
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_sa_allocspi(host_t *src, host_t *dst,
											  uint8_t proto, uint32_t min,
											  uint32_t max, bool sa_dir)
{
	struct xfrm_userspi_info spi = {
		.info = {
			.id = {
				.proto = proto,
			},
			.mode = XFRM_MODE_TUNNEL,
			.family = src->get_family(src),
		},
		.min = min,
		.max = max,
	};
	struct nl_msg *msg;

	kernel_libnl_host2xfrm(src, &spi.info.saddr);
	kernel_libnl_host2xfrm(dst, &spi.info.id.daddr);
	msg = kernel_libnl_msg_alloc(XFRM_MSG_ALLOCSPI, 0, &spi, sizeof(spi));
	if (msg && sa_dir && !kernel_libnl_xattr_sa_dir(&msg, TRUE))
	{
		kernel_libnl_msg_free(msg);
		msg = NULL;
	}
	return msg;
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_sa_flush(uint8_t proto)
{
	struct xfrm_usersa_flush flush = {
		.proto = proto,
	};

	return kernel_libnl_msg_alloc(XFRM_MSG_FLUSHSA, 0, &flush, sizeof(flush));
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_xattr_sa_migrate(struct xfrm_selector *sel,
											 uint8_t dir,
											 struct xfrm_user_migrate *migrate)
{
	struct xfrm_userpolicy_id id = {
		.sel = *sel,
		.dir = dir,
	};
	struct nl_msg *msg;

	msg = kernel_libnl_msg_alloc(XFRM_MSG_MIGRATE, 0, &id, sizeof(id));
	if (msg && migrate &&
		!kernel_libnl_msg_put(&msg, XFRMA_MIGRATE, sizeof(*migrate), migrate))
	{
		kernel_libnl_msg_free(msg);
		msg = NULL;
	}
	return msg;
}
