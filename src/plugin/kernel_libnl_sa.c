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

#include "kernel_libnl_sa.h"
#include "kernel_libnl_compat.h"
#include "kernel_libnl_algs.h"
#include "kernel_libnl_xattr.h"
#include "kernel_libnl_features.h"
#include "kernel_libnl_selector.h"

#include <time.h>
#include <errno.h>
#include <net/if.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/addr.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/selector.h>
#include <netlink/xfrm/lifetime.h>

#include <daemon.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

/** byte/packet limit 0 means no limit */
#define XFRM_LIMIT(x) ((x) == 0 ? XFRM_INF : (x))

typedef struct private_kernel_libnl_sa_t private_kernel_libnl_sa_t;

/**
 * Private data of a kernel_libnl_sa_t object.
 */
struct private_kernel_libnl_sa_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_sa_t public;

	/**
	 * Request sockets
	 */
	kernel_libnl_socket_t *socket;

	/**
	 * Record of installed SAs
	 */
	kernel_libnl_registry_t *registry;

	/**
	 * Probed kernel features
	 */
	kernel_libnl_feature_t features;

	/**
	 * Keep protocol/ports in transport mode SA selectors
	 */
	bool proto_port_transport;
};

/**
 * Format a mark for log messages as kernel-netlink does
 */
static char *format_mark(char *buf, size_t len, mark_t mark)
{
	buf[0] = '\0';
	if (mark.value | mark.mask)
	{
		snprintf(buf, len, " (mark %u/0x%08x)", mark.value, mark.mask);
	}
	return buf;
}

/**
 * Convert a host to a libnl address (address only)
 */
static struct nl_addr *host2nl(host_t *host)
{
	chunk_t addr = host->get_address(host);

	return nl_addr_build(host->get_family(host), addr.ptr, addr.len);
}

/**
 * Convert an xfrm address to a libnl address
 */
static struct nl_addr *xfrm2nl(int family, xfrm_address_t *addr)
{
	return nl_addr_build(family, addr,
						 family == AF_INET6 ? 16 : 4);
}

/**
 * Kernel mode of a charon mode
 */
static uint8_t mode2kernel(ipsec_mode_t mode)
{
	switch (mode)
	{
		case MODE_TRANSPORT:
			return XFRM_MODE_TRANSPORT;
		case MODE_BEET:
			return XFRM_MODE_BEET;
#if HAVE_DECL_MODE_IPTFS
		case MODE_IPTFS:
			return KL_XFRM_MODE_IPTFS;
#endif
		case MODE_TUNNEL:
		default:
			return XFRM_MODE_TUNNEL;
	}
}

/**
 * Whether a mode encapsulates whole packets (tunnel, IP-TFS)
 */
static bool is_tunnel(ipsec_mode_t mode)
{
#if HAVE_DECL_MODE_IPTFS
	if (mode == MODE_IPTFS)
	{
		return TRUE;
	}
#endif
	return mode == MODE_TUNNEL;
}

/**
 * Whether to set XFRM_STATE_NOPMTUDISC on inbound SAs without copy_df, as
 * kernel-netlink did before strongSwan 6.0.0 (e.g. on IPComp SAs): kept for
 * identical SAs on the versions that did, never where the kernel knows SA
 * directions (it rejects the flag on inbound SAs, strongSwan #2946)
 */
static bool nopmtudisc_inbound(kernel_libnl_sa_build_t *build)
{
	return STRONGSWAN_VERSION_NUM < 60000 && !build->sa_dir;
}

/**
 * Set the selector of a transport/BEET mode SA from the first TS pair
 */
static bool set_selector(struct xfrmnl_sa *sa, kernel_ipsec_add_sa_t *data,
						 bool proto_port)
{
	traffic_selector_t *src_ts, *dst_ts;
	struct xfrm_selector xsel;
	struct xfrmnl_sel *sel;
	struct nl_addr *saddr, *daddr;

	if (!data->src_ts || !data->dst_ts ||
		data->src_ts->get_first(data->src_ts, (void**)&src_ts) != SUCCESS ||
		data->dst_ts->get_first(data->dst_ts, (void**)&dst_ts) != SUCCESS)
	{
		return TRUE;
	}
	xsel = kernel_libnl_ts2selector(src_ts, dst_ts, data->interface);
	if (!proto_port)
	{
		/* don't install proto/ports on the SA, that would break other SAs
		 * for the same addresses but different protocols/ports */
		xsel.proto = 0;
		xsel.sport = xsel.sport_mask = 0;
		xsel.dport = xsel.dport_mask = 0;
	}
	sel = xfrmnl_sel_alloc();
	saddr = xfrm2nl(xsel.family, &xsel.saddr);
	daddr = xfrm2nl(xsel.family, &xsel.daddr);
	if (!sel || !saddr || !daddr)
	{
		if (sel)
		{
			xfrmnl_sel_put(sel);
		}
		nl_addr_put(saddr);
		nl_addr_put(daddr);
		return FALSE;
	}
	xfrmnl_sel_set_saddr(sel, saddr);
	xfrmnl_sel_set_daddr(sel, daddr);
	nl_addr_put(saddr);
	nl_addr_put(daddr);
	xfrmnl_sel_set_family(sel, xsel.family);
	xfrmnl_sel_set_prefixlen_s(sel, xsel.prefixlen_s);
	xfrmnl_sel_set_prefixlen_d(sel, xsel.prefixlen_d);
	xfrmnl_sel_set_proto(sel, xsel.proto);
	/* libnl takes ports in host order */
	xfrmnl_sel_set_sport(sel, ntohs(xsel.sport));
	xfrmnl_sel_set_sportmask(sel, ntohs(xsel.sport_mask));
	xfrmnl_sel_set_dport(sel, ntohs(xsel.dport));
	xfrmnl_sel_set_dportmask(sel, ntohs(xsel.dport_mask));
	xfrmnl_sel_set_ifindex(sel, xsel.ifindex);
	xfrmnl_sa_set_sel(sa, sel);
	xfrmnl_sel_put(sel);
	return TRUE;
}

/**
 * Replay window to install
 */
static uint32_t get_replay_window(kernel_ipsec_add_sa_t *data,
								  kernel_libnl_sa_build_t *build)
{
	if (!data->inbound && data->replay_window)
	{	/* outbound SAs need no window, but kernels without SA directions
		 * reject 0 with ESN, those with reject anything else */
		return (data->esn && !build->sa_dir) ? 1 : 0;
	}
	return data->replay_window;
}

/**
 * Describe the key-less part of an SA with libnl-xfrm objects
 */
static struct xfrmnl_sa *create_sa(kernel_ipsec_sa_id_t *id,
								   kernel_ipsec_add_sa_t *data,
								   kernel_libnl_sa_build_t *build)
{
	struct xfrmnl_ltime_cfg *lft;
	struct xfrmnl_sa *sa;
	struct nl_addr *saddr, *daddr, *oa;
	lifetime_cfg_t *lifetime = data->lifetime, none = {};
	uint32_t replay_window;
	int family = id->src->get_family(id->src);
	uint8_t flags = 0;

	sa = xfrmnl_sa_alloc();
	saddr = host2nl(id->src);
	daddr = host2nl(id->dst);
	if (!sa || !saddr || !daddr)
	{
		goto failed;
	}
	xfrmnl_sa_set_daddr(sa, daddr);
	xfrmnl_sa_set_saddr(sa, saddr);
	/* libnl takes the SPI in host order */
	xfrmnl_sa_set_spi(sa, ntohl(id->spi));
	xfrmnl_sa_set_proto(sa, id->proto);
	xfrmnl_sa_set_family(sa, family);
	xfrmnl_sa_set_mode(sa, mode2kernel(build->mode));
	xfrmnl_sa_set_reqid(sa, data->reqid);

	if (!data->copy_ecn)
	{
		flags |= XFRM_STATE_NOECN;
	}
	if (data->inbound)
	{
		switch (data->copy_dscp)
		{
			case DSCP_COPY_YES:
			case DSCP_COPY_IN_ONLY:
				flags |= XFRM_STATE_DECAP_DSCP;
				break;
			default:
				break;
		}
		if (KL_ADD_SA_FORWARD_ICMP(data))
		{
			flags |= XFRM_STATE_ICMP;
		}
	}
	if (!data->copy_df && (!data->inbound || nopmtudisc_inbound(build)))
	{	/* only meaningful for outbound SAs (rejected inbound since 6.10) */
		flags |= XFRM_STATE_NOPMTUDISC;
	}
	if (is_tunnel(build->mode))
	{
		flags |= XFRM_STATE_AF_UNSPEC;
	}
	else if (!build->switched &&
			 !set_selector(sa, data, build->proto_port_transport))
	{
		goto failed;
	}
	if (id->proto == IPPROTO_AH && family == AF_INET)
	{	/* 4-byte alignment for IPv4 instead of the default 8 */
		flags |= XFRM_STATE_ALIGN4;
	}

	if (!lifetime)
	{
		lifetime = &none;
	}
	lft = xfrmnl_ltime_cfg_alloc();
	if (!lft)
	{
		goto failed;
	}
	xfrmnl_ltime_cfg_set_soft_bytelimit(lft, XFRM_LIMIT(lifetime->bytes.rekey));
	xfrmnl_ltime_cfg_set_hard_bytelimit(lft, XFRM_LIMIT(lifetime->bytes.life));
	xfrmnl_ltime_cfg_set_soft_packetlimit(lft,
										XFRM_LIMIT(lifetime->packets.rekey));
	xfrmnl_ltime_cfg_set_hard_packetlimit(lft,
										XFRM_LIMIT(lifetime->packets.life));
	/* lifetimes since added, not since used */
	xfrmnl_ltime_cfg_set_soft_addexpires(lft, lifetime->time.rekey);
	xfrmnl_ltime_cfg_set_hard_addexpires(lft, lifetime->time.life);
	xfrmnl_ltime_cfg_set_soft_useexpires(lft, 0);
	xfrmnl_ltime_cfg_set_hard_useexpires(lft, 0);
	xfrmnl_sa_set_lifetime_cfg(sa, lft);
	xfrmnl_ltime_cfg_put(lft);

	if (id->proto != IPPROTO_COMP)
	{
		replay_window = get_replay_window(data, build);
		if (data->esn || replay_window > 32)
		{	/* bitmap in XFRMA_REPLAY_ESN_VAL */
			uint32_t bmp_len = round_up(replay_window, 32) / 32;
			unsigned int *bmp;

			if (bmp_len <= KL_LIBNL_MAX_BMP_LEN)
			{	/* larger ones are appended raw, see add_extras() */
				bmp = calloc(max(bmp_len, 1), sizeof(*bmp));
				xfrmnl_sa_set_replay_state_esn(sa, 0, 0, 0, 0, replay_window,
											   bmp_len, bmp);
				free(bmp);
			}
			if (data->esn)
			{
				flags |= XFRM_STATE_ESN;
			}
		}
		else
		{
			xfrmnl_sa_set_replay_window(sa, replay_window);
		}
		DBG2(DBG_KNL, "  using replay window of %u packets%s", replay_window,
			 data->esn ? " and extended sequence numbers (ESN)" : "");
	}

	if (data->encap)
	{
		char zero[16] = {};

		oa = nl_addr_build(family, zero, family == AF_INET6 ? 16 : 4);
		if (!oa)
		{
			goto failed;
		}
		/* libnl takes the ports in host order */
		xfrmnl_sa_set_encap_tmpl(sa, UDP_ENCAP_ESPINUDP,
								 id->src->get_port(id->src),
								 id->dst->get_port(id->dst), oa);
		nl_addr_put(oa);
	}
	if (id->mark.value | id->mark.mask)
	{
		xfrmnl_sa_set_mark(sa, id->mark.value, id->mark.mask);
	}
	if (data->label && !kernel_libnl_xattr_label_raw(data->label))
	{	/* larger ones are appended raw, see add_extras() */
		chunk_t enc = data->label->get_encoding(data->label);

		xfrmnl_sa_set_sec_ctx(sa, XFRM_SC_DOI_LSM, XFRM_SC_ALG_SELINUX,
							  enc.len, 0, enc.ptr);
	}
	if (data->tfc && id->proto == IPPROTO_ESP && build->mode == MODE_TUNNEL)
	{	/* the kernel supports TFC padding only in tunnel mode */
		xfrmnl_sa_set_tfcpad(sa, data->tfc);
	}
	if (build->offload_ifindex)
	{
		xfrmnl_sa_set_user_offload(sa, build->offload_ifindex,
								   build->offload_flags);
	}
	xfrmnl_sa_set_flags(sa, flags);
	nl_addr_put(saddr);
	nl_addr_put(daddr);
	return sa;

failed:
	nl_addr_put(saddr);
	nl_addr_put(daddr);
	if (sa)
	{
		xfrmnl_sa_put(sa);
	}
	return NULL;
}

/**
 * Append the algorithms with their keys, raw
 */
static bool add_algorithms(struct nl_msg **msg, kernel_ipsec_add_sa_t *data,
						   kernel_libnl_sa_build_t *build)
{
	const char *name;
	u_int bits;

	if (build->ipcomp != IPCOMP_NONE)
	{
		name = kernel_libnl_alg_comp(build->ipcomp);
		if (!name)
		{
			DBG1(DBG_KNL, "algorithm %N not supported by kernel!",
				 ipcomp_transform_names, build->ipcomp);
			return FALSE;
		}
		DBG2(DBG_KNL, "  using compression algorithm %N",
			 ipcomp_transform_names, build->ipcomp);
		return kernel_libnl_xattr_sa_comp(msg, name);
	}
	if (data->enc_alg != ENCR_UNDEFINED)
	{
		name = kernel_libnl_alg_encr(data->enc_alg, &bits);
		if (!name)
		{
			DBG1(DBG_KNL, "algorithm %N not supported by kernel!",
				 encryption_algorithm_names, data->enc_alg);
			return FALSE;
		}
		DBG2(DBG_KNL, "  using encryption algorithm %N with key size %d",
			 encryption_algorithm_names, data->enc_alg, data->enc_key.len * 8);
		if (!kernel_libnl_xattr_sa_encr(msg, name, data->enc_key, bits))
		{
			return FALSE;
		}
	}
	if (data->int_alg != AUTH_UNDEFINED)
	{
		name = kernel_libnl_alg_integ(data->int_alg, &bits);
		if (!name)
		{
			DBG1(DBG_KNL, "algorithm %N not supported by kernel!",
				 integrity_algorithm_names, data->int_alg);
			return FALSE;
		}
		DBG2(DBG_KNL, "  using integrity algorithm %N with key size %d",
			 integrity_algorithm_names, data->int_alg, data->int_key.len * 8);
		if (!kernel_libnl_xattr_sa_integ(msg, name, data->int_key, bits))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Append what libnl-xfrm 3.7 cannot express, raw
 */
static bool add_extras(struct nl_msg **msg, kernel_ipsec_sa_id_t *id,
					   kernel_ipsec_add_sa_t *data,
					   kernel_libnl_sa_build_t *build)
{
	uint32_t cpu = KL_ADD_SA_CPU(data), window, bmp_len;

	window = get_replay_window(data, build);
	bmp_len = round_up(window, 32) / 32;
	if (id->proto != IPPROTO_COMP && (data->esn || window > 32) &&
		bmp_len > KL_LIBNL_MAX_BMP_LEN)
	{
		struct xfrm_replay_state_esn *esn;
		size_t len = sizeof(*esn) + bmp_len * sizeof(uint32_t);
		bool ok;

		esn = calloc(1, len);
		esn->bmp_len = bmp_len;
		esn->replay_window = window;
		ok = kernel_libnl_xattr_sa_copy(msg, XFRMA_REPLAY_ESN_VAL, esn, len);
		free(esn);
		if (!ok)
		{
			return FALSE;
		}
	}

	if (kernel_libnl_xattr_label_raw(data->label) &&
		!kernel_libnl_xattr_sec_ctx(msg, data->label))
	{
		return FALSE;
	}
	if (!data->inbound)
	{
		switch (data->copy_dscp)
		{
			case DSCP_COPY_IN_ONLY:
			case DSCP_COPY_NO:
				if (!kernel_libnl_xattr_sa_u32(msg, XFRMA_SA_EXTRA_FLAGS,
											   XFRM_SA_XFLAG_DONT_ENCAP_DSCP))
				{
					return FALSE;
				}
				break;
			default:
				break;
		}
	}
	if (id->if_id &&
		!kernel_libnl_xattr_sa_u32(msg, XFRMA_IF_ID, id->if_id))
	{
		return FALSE;
	}
	if (build->ipcomp == IPCOMP_NONE && (data->mark.value | data->mark.mask) &&
		!kernel_libnl_xattr_sa_set_mark(msg, data->mark))
	{
		return FALSE;
	}
	if (build->sa_dir && !kernel_libnl_xattr_sa_dir(msg, data->inbound))
	{
		return FALSE;
	}
	if (cpu != CPU_ID_MAX)
	{
		if (!kernel_libnl_xattr_sa_u32(msg, KL_XFRMA_SA_PCPU, cpu))
		{
			return FALSE;
		}
		if (data->encap && data->inbound && !id->src->get_port(id->src) &&
			!kernel_libnl_xattr_sa_u32(msg, XFRMA_MTIMER_THRESH, UINT32_MAX))
		{	/* per-CPU SAs with a wildcard port must not report mappings */
			return FALSE;
		}
	}
#if HAVE_DECL_MODE_IPTFS
	if (build->mode == MODE_IPTFS && id->proto == IPPROTO_ESP &&
		!kernel_libnl_xattr_sa_iptfs(msg, data->inbound,
									 KL_ADD_SA_IPTFS_DONT_FRAG(data)))
	{
		return FALSE;
	}
#endif
	if (KL_ADD_SA_SEQ(data) &&
		!kernel_libnl_xattr_sa_seq(*msg, KL_ADD_SA_SEQ(data)))
	{
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_sa_build_add(kernel_ipsec_sa_id_t *id,
										 kernel_ipsec_add_sa_t *data,
										 kernel_libnl_sa_build_t *build)
{
	struct xfrmnl_sa *sa;
	struct nl_msg *msg = NULL;
	int err;

	sa = create_sa(id, data, build);
	if (!sa)
	{
		DBG1(DBG_KNL, "unable to describe SAD entry with SPI %.8x",
			 ntohl(id->spi));
		return NULL;
	}
	if (build->update)
	{
		err = xfrmnl_sa_build_update_request(sa, NLM_F_REQUEST, &msg);
	}
	else
	{
		err = xfrmnl_sa_build_add_request(sa, NLM_F_REQUEST, &msg);
	}
	xfrmnl_sa_put(sa);
	if (err < 0 || !msg)
	{
		DBG1(DBG_KNL, "unable to build SAD entry with SPI %.8x: %s",
			 ntohl(id->spi), nl_geterror(err));
		return NULL;
	}
	if (!add_algorithms(&msg, data, build) ||
		!add_extras(&msg, id, data, build))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * One attempt of HW offload configuration
 */
typedef struct {
	int ifindex;
	uint8_t flags;
} offload_try_t;

/**
 * Determine the HW offload attempts for an SA, ending in software for auto.
 *
 * @return		number of attempts, 0 if forced offload is impossible
 */
static int offload_tries(kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data,
						 offload_try_t tries[3])
{
	host_t *local = data->inbound ? id->dst : id->src;
	bool forced, packet;
	char *ifname = NULL;
	int ifindex, n = 0;
	uint8_t flags;

	tries[0] = (offload_try_t){};
	if (data->hw_offload == HW_OFFLOAD_NO || id->proto == IPPROTO_COMP)
	{
		return 1;
	}
	forced = data->hw_offload != HW_OFFLOAD_AUTO;
	packet = KL_HW_OFFLOAD_PACKET(data->hw_offload);
#if HAVE_DECL_HW_OFFLOAD_PACKET
	packet = packet || data->hw_offload == HW_OFFLOAD_AUTO;
#endif
	if (!local || local->is_anyaddr(local) || !charon->kernel ||
		!charon->kernel->get_interface(charon->kernel, local, &ifname))
	{
		DBG1(DBG_KNL, "HW offload: no interface found for %H", local);
		return forced ? 0 : 1;
	}
	if (!kernel_libnl_features_offload(ifname))
	{
		DBG1(DBG_KNL, "HW offload is not supported by device %s", ifname);
		free(ifname);
		return forced ? 0 : 1;
	}
	ifindex = if_nametoindex(ifname);
	free(ifname);
	flags = data->inbound ? XFRM_OFFLOAD_INBOUND : 0;
	if (packet)
	{
		tries[n++] = (offload_try_t){ ifindex, flags | XFRM_OFFLOAD_PACKET };
	}
	if (!forced || !packet)
	{
		tries[n++] = (offload_try_t){ ifindex, flags };
	}
	if (!forced)
	{	/* auto: software as the last resort */
		tries[n++] = (offload_try_t){};
	}
	return n;
}

/**
 * Install one SA (the COMP SA or the ESP/AH SA) with all fallbacks
 */
static status_t install(private_kernel_libnl_sa_t *this,
						kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data,
						kernel_libnl_sa_build_t *build)
{
	kernel_libnl_error_t err = {};
	offload_try_t tries[3];
	struct nl_msg *msg;
	status_t status = FAILED;
	char markstr[32], buf[256];
	int i, count;

	format_mark(markstr, sizeof(markstr), id->mark);
	DBG2(DBG_KNL, "adding SAD entry with SPI %.8x and reqid {%u}%s",
		 ntohl(id->spi), data->reqid, markstr);

	count = offload_tries(id, data, tries);
	if (!count)
	{
		DBG1(DBG_KNL, "failed to configure HW offload");
		DBG1(DBG_KNL, "unable to add SAD entry with SPI %.8x%s: HW offload "
			 "%N not available", ntohl(id->spi), markstr, hw_offload_names,
			 data->hw_offload);
		return FAILED;
	}
	for (i = 0; i < count; i++)
	{
		build->offload_ifindex = tries[i].ifindex;
		build->offload_flags = tries[i].flags;
		if (i > 0)
		{
			DBG1(DBG_KNL, "failed to install SA with%s HW offload, trying "
				 "%s", tries[i-1].flags & XFRM_OFFLOAD_PACKET ? " packet" :
				 " crypto", !tries[i].ifindex ? "without HW offload" :
				 tries[i].flags & XFRM_OFFLOAD_PACKET ? "packet HW offload" :
				 "crypto HW offload");
		}
		msg = kernel_libnl_sa_build_add(id, data, build);
		if (!msg)
		{
			return FAILED;
		}
		status = this->socket->request(this->socket, msg, NULL, NULL, &err);
		if (status == NOT_FOUND && build->update)
		{
			DBG1(DBG_KNL, "allocated SPI not found anymore, try to add SAD "
				 "entry");
			build->update = FALSE;
			msg = kernel_libnl_sa_build_add(id, data, build);
			if (!msg)
			{
				return FAILED;
			}
			status = this->socket->request(this->socket, msg, NULL, NULL,
										   &err);
		}
		if (status == SUCCESS || !tries[i].ifindex)
		{
			break;
		}
	}
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to add SAD entry with SPI %.8x%s: %s",
			 ntohl(id->spi), markstr, kernel_libnl_strerror(&err, buf,
															 sizeof(buf)));
		return FAILED;
	}
	if (id->proto == IPPROTO_ESP || id->proto == IPPROTO_AH)
	{
		this->registry->add(this->registry, id->proto, id->spi, id->dst,
							id->mark);
	}
	return SUCCESS;
}

METHOD(kernel_libnl_sa_t, add_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_add_sa_t *data)
{
	kernel_libnl_sa_build_t build = {
		.mode = data->mode,
		.ipcomp = IPCOMP_NONE,
		.update = data->update,
		.sa_dir = this->features & KL_FEATURE_SA_DIR,
		.proto_port_transport = this->proto_port_transport,
	};

	if (data->ipcomp != IPCOMP_NONE && data->cpi)
	{	/* the IPComp SA first, in the CHILD_SA's mode */
		lifetime_cfg_t lft = {};
		kernel_ipsec_sa_id_t ipcomp_id = {
			.src = id->src,
			.dst = id->dst,
			.spi = htonl(ntohs(data->cpi)),
			.proto = IPPROTO_COMP,
			.mark = id->mark,
			.if_id = id->if_id,
		};
		/* as kernel-netlink: no keys, no copy flags, label or output mark */
		kernel_ipsec_add_sa_t ipcomp_data = {
			.reqid = data->reqid,
			.mode = data->mode,
			.src_ts = data->src_ts,
			.dst_ts = data->dst_ts,
			.lifetime = &lft,
			.enc_alg = ENCR_UNDEFINED,
			.int_alg = AUTH_UNDEFINED,
			.tfc = data->tfc,
			.ipcomp = data->ipcomp,
			.initiator = data->initiator,
			.inbound = data->inbound,
			.update = data->update,
		};
		kernel_libnl_sa_build_t ipcomp_build = build;

#ifdef HAVE_KERNEL_IPSEC_ADD_SA_T_CPU
		ipcomp_data.cpu = CPU_ID_MAX;
#endif
		ipcomp_build.ipcomp = data->ipcomp;
		if (install(this, &ipcomp_id, &ipcomp_data, &ipcomp_build) != SUCCESS)
		{
			return FAILED;
		}
		/* the ESP SA below the IPComp SA is in transport mode */
		build.switched = is_tunnel(data->mode);
		build.mode = MODE_TRANSPORT;
	}
	return install(this, id, data, &build);
}

/**
 * Results of a GETSA for query_sa
 */
typedef struct {
	bool found;
	uint64_t bytes;
	uint64_t packets;
	uint64_t lastused;
} query_t;

CALLBACK(query_cb, void,
	query_t *query, struct nlmsghdr *hdr)
{
	struct xfrm_usersa_info *info;
	struct nlattr *attr;
	int rem;

	if (hdr->nlmsg_type != XFRM_MSG_NEWSA ||
		hdr->nlmsg_len < NLMSG_LENGTH(sizeof(*info)))
	{
		return;
	}
	info = nlmsg_data(hdr);
	query->found = TRUE;
	query->bytes = info->curlft.bytes;
	query->packets = info->curlft.packets;
	nlmsg_for_each_attr(attr, hdr, sizeof(*info), rem)
	{
		if (nla_type(attr) == XFRMA_LASTUSED &&
			nla_len(attr) == sizeof(uint64_t))
		{
			memcpy(&query->lastused, nla_data(attr), sizeof(uint64_t));
		}
	}
}

/**
 * Build a GETSA request for an SA
 */
static struct nl_msg *build_get(kernel_ipsec_sa_id_t *id)
{
	struct nl_addr *daddr;
	struct nl_msg *msg = NULL;

	daddr = host2nl(id->dst);
	if (!daddr)
	{
		return NULL;
	}
	if (xfrmnl_sa_build_get_request(daddr, ntohl(id->spi), id->proto,
									id->mark.value, id->mark.mask, &msg) < 0)
	{
		msg = NULL;
	}
	nl_addr_put(daddr);
	/* libnl adds the mark only if value & mask is set, the kernel wants it
	 * whenever one of them is */
	if (msg && (id->mark.value | id->mark.mask) &&
		!(id->mark.value & id->mark.mask) &&
		!kernel_libnl_xattr_sa_mark(&msg, id->mark))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	if (msg && id->if_id &&
		!kernel_libnl_xattr_sa_u32(&msg, XFRMA_IF_ID, id->if_id))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	return msg;
}

METHOD(kernel_libnl_sa_t, query_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_query_sa_t *data, uint64_t *bytes, uint64_t *packets,
	time_t *use_time)
{
	kernel_libnl_error_t err;
	query_t query = {};
	struct nl_msg *msg;
	char markstr[32], buf[256];

	format_mark(markstr, sizeof(markstr), id->mark);
	DBG3(DBG_KNL, "querying SAD entry with SPI %.8x%s", ntohl(id->spi),
		 markstr);

	msg = build_get(id);
	if (!msg)
	{
		return FAILED;
	}
	if (this->socket->request(this->socket, msg, query_cb, &query,
							  &err) != SUCCESS || !query.found)
	{
		DBG2(DBG_KNL, "unable to query SAD entry with SPI %.8x%s: %s",
			 ntohl(id->spi), markstr,
			 kernel_libnl_strerror(&err, buf, sizeof(buf)));
		return FAILED;
	}
	if (bytes)
	{
		*bytes = query.bytes;
	}
	if (packets)
	{
		*packets = query.packets;
	}
	if (use_time)
	{
		/* curlft.use_time is the first use, XFRMA_LASTUSED the last
		 * (wall clock) */
		*use_time = 0;
		if (query.lastused && (this->features & KL_FEATURE_SA_LASTUSED))
		{
			*use_time = time_monotonic(NULL) - (time(NULL) - query.lastused);
		}
	}
	return SUCCESS;
}

/**
 * Delete one SA
 */
static status_t delete_one(private_kernel_libnl_sa_t *this,
						   kernel_ipsec_sa_id_t *id, bool forget)
{
	kernel_libnl_error_t err;
	struct xfrmnl_sa *sa;
	struct nl_addr *daddr;
	struct nl_msg *msg = NULL;
	status_t status;
	char markstr[32], buf[256];

	format_mark(markstr, sizeof(markstr), id->mark);
	DBG2(DBG_KNL, "deleting SAD entry with SPI %.8x%s", ntohl(id->spi),
		 markstr);

	sa = xfrmnl_sa_alloc();
	daddr = host2nl(id->dst);
	if (sa && daddr)
	{
		xfrmnl_sa_set_daddr(sa, daddr);
		xfrmnl_sa_set_spi(sa, ntohl(id->spi));
		xfrmnl_sa_set_proto(sa, id->proto);
		if (id->mark.value | id->mark.mask)
		{
			xfrmnl_sa_set_mark(sa, id->mark.value, id->mark.mask);
		}
		if (xfrmnl_sa_build_delete_request(sa, NLM_F_REQUEST, &msg) < 0)
		{
			msg = NULL;
		}
	}
	nl_addr_put(daddr);
	if (sa)
	{
		xfrmnl_sa_put(sa);
	}
	if (msg && id->if_id &&
		!kernel_libnl_xattr_sa_u32(&msg, XFRMA_IF_ID, id->if_id))
	{
		kernel_libnl_msg_free(msg);
		msg = NULL;
	}
	if (!msg)
	{
		return FAILED;
	}
	status = this->socket->request(this->socket, msg, NULL, NULL, &err);
	switch (status)
	{
		case SUCCESS:
			DBG2(DBG_KNL, "deleted SAD entry with SPI %.8x%s",
				 ntohl(id->spi), markstr);
			break;
		case NOT_FOUND:
			break;
		default:
			DBG1(DBG_KNL, "unable to delete SAD entry with SPI %.8x%s: %s",
				 ntohl(id->spi), markstr,
				 kernel_libnl_strerror(&err, buf, sizeof(buf)));
			return FAILED;
	}
	if (forget && (id->proto == IPPROTO_ESP || id->proto == IPPROTO_AH))
	{
		this->registry->remove(this->registry, id->proto, id->spi, id->dst);
	}
	return status;
}

METHOD(kernel_libnl_sa_t, del_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_del_sa_t *data)
{
	if (data && data->cpi)
	{	/* the IPComp SA first */
		kernel_ipsec_sa_id_t ipcomp_id = {
			.src = id->src,
			.dst = id->dst,
			.spi = htonl(ntohs(data->cpi)),
			.proto = IPPROTO_COMP,
			.mark = id->mark,
			.if_id = id->if_id,
		};

		delete_one(this, &ipcomp_id, TRUE);
	}
	return delete_one(this, id, TRUE);
}

/**
 * Rewrite one side of a selector if it is the old host address
 */
static void update_sel_host(struct xfrm_selector *sel, bool src, host_t *old,
							host_t *new)
{
	xfrm_address_t *addr = src ? &sel->saddr : &sel->daddr;
	uint8_t *prefixlen = src ? &sel->prefixlen_s : &sel->prefixlen_d;
	chunk_t o = old->get_address(old), n = new->get_address(new);

	if (sel->family == old->get_family(old) && *prefixlen == o.len * 8 &&
		memeq(addr, o.ptr, o.len))
	{
		memset(addr, 0, sizeof(*addr));
		memcpy(addr, n.ptr, n.len);
		*prefixlen = n.len * 8;
		sel->family = new->get_family(new);
	}
}

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_sa_build_copy(struct nlmsghdr *reply, int type,
										  kernel_ipsec_sa_id_t *id,
										  kernel_ipsec_update_sa_t *data)
{
	struct xfrm_usersa_info info;
	struct nlattr *attr;
	struct nl_msg *msg;
	bool encap_seen = FALSE, replay_seen = FALSE;
	uint8_t dir = 0;
	int rem;

	if (reply->nlmsg_type != XFRM_MSG_NEWSA ||
		reply->nlmsg_len < NLMSG_LENGTH(sizeof(info)))
	{
		return NULL;
	}
	memcpy(&info, nlmsg_data(reply), sizeof(info));
	nlmsg_for_each_attr(attr, reply, sizeof(info), rem)
	{
		if (nla_type(attr) == KL_XFRMA_SA_DIR && nla_len(attr) >= 1)
		{
			dir = nla_get_u8(attr);
		}
	}
	/* flags the kernel rejects for the SA's direction, it may have set
	 * some itself, e.g. NOPMTUDISC with ip_no_pmtu_disc (#2946) */
	if (dir == KL_XFRM_SA_DIR_IN)
	{
		info.flags &= ~XFRM_STATE_NOPMTUDISC;
	}
	else if (dir == KL_XFRM_SA_DIR_OUT)
	{
		info.flags &= ~(XFRM_STATE_DECAP_DSCP | XFRM_STATE_ICMP |
						XFRM_STATE_WILDRECV);
	}
	if (data)
	{
		if (!id->src->ip_equals(id->src, data->new_src))
		{
			kernel_libnl_host2xfrm(data->new_src, &info.saddr);
			update_sel_host(&info.sel, TRUE, id->src, data->new_src);
		}
		if (!id->dst->ip_equals(id->dst, data->new_dst))
		{
			kernel_libnl_host2xfrm(data->new_dst, &info.id.daddr);
			update_sel_host(&info.sel, FALSE, id->dst, data->new_dst);
		}
		info.family = data->new_dst->get_family(data->new_dst);
		if (data->new_reqid)
		{
			info.reqid = data->new_reqid;
		}
	}
	/* counters are not taken from the fixed header */
	memset(&info.curlft, 0, sizeof(info.curlft));
	memset(&info.stats, 0, sizeof(info.stats));

	msg = kernel_libnl_msg_alloc(type, 0, &info, sizeof(info));
	if (!msg)
	{
		return NULL;
	}
	nlmsg_for_each_attr(attr, reply, sizeof(info), rem)
	{
		int atype = nla_type(attr);
		void *adata = nla_data(attr);
		size_t alen = nla_len(attr);
		bool ok = TRUE;

		switch (atype)
		{
			case XFRMA_PAD:
			case XFRMA_LTIME_VAL:
				/* alignment only / replaced below */
				continue;
			case XFRMA_ENCAP:
				if (data && !data->new_encap)
				{	/* disabling encapsulation */
					continue;
				}
				if (data && alen >= sizeof(struct xfrm_encap_tmpl))
				{
					struct xfrm_encap_tmpl tmpl;

					memcpy(&tmpl, adata, sizeof(tmpl));
					tmpl.encap_sport = htons(data->new_src->get_port(
															data->new_src));
					tmpl.encap_dport = htons(data->new_dst->get_port(
															data->new_dst));
					ok = kernel_libnl_xattr_sa_copy(&msg, atype, &tmpl,
													sizeof(tmpl));
					encap_seen = TRUE;
					break;
				}
				ok = kernel_libnl_xattr_sa_copy(&msg, atype, adata, alen);
				encap_seen = TRUE;
				break;
			case XFRMA_OFFLOAD_DEV:
				if (data && alen >= sizeof(struct xfrm_user_offload) &&
					charon && charon->kernel)
				{
					struct xfrm_user_offload offload;
					host_t *local;
					char *ifname;

					memcpy(&offload, adata, sizeof(offload));
					local = offload.flags & XFRM_OFFLOAD_INBOUND ?
											data->new_dst : data->new_src;
					if (charon->kernel->get_interface(charon->kernel, local,
													  &ifname))
					{
						offload.ifindex = if_nametoindex(ifname);
						free(ifname);
					}
					ok = kernel_libnl_xattr_sa_copy(&msg, atype, &offload,
													sizeof(offload));
					break;
				}
				ok = kernel_libnl_xattr_sa_copy(&msg, atype, adata, alen);
				break;
			case XFRMA_REPLAY_VAL:
			case XFRMA_REPLAY_ESN_VAL:
				replay_seen = TRUE;
				/* fall through */
			default:
				ok = kernel_libnl_xattr_sa_copy(&msg, atype, adata, alen);
				break;
		}
		if (!ok)
		{
			kernel_libnl_msg_free(msg);
			return NULL;
		}
	}
	if (data && data->new_encap && !encap_seen &&
		!kernel_libnl_xattr_sa_encap(&msg, data->new_src->get_port(data->new_src),
									 data->new_dst->get_port(data->new_dst)))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	if (!replay_seen)
	{
		DBG1(DBG_KNL, "unable to copy replay state from old SAD entry with "
			 "SPI %.8x", ntohl(info.id.spi));
	}
	/* byte/packet counters and add time (lifetimes continue) */
	if (!kernel_libnl_xattr_sa_copy(&msg, XFRMA_LTIME_VAL,
			&((struct xfrm_usersa_info*)nlmsg_data(reply))->curlft,
			sizeof(struct xfrm_lifetime_cur)))
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	memwipe(&info, sizeof(info));
	return msg;
}

CALLBACK(copy_reply_cb, void,
	chunk_t *reply, struct nlmsghdr *hdr)
{
	if (hdr->nlmsg_type == XFRM_MSG_NEWSA && !reply->ptr &&
		hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(struct xfrm_usersa_info)))
	{
		*reply = chunk_clone(chunk_create((u_char*)hdr, hdr->nlmsg_len));
	}
}

/**
 * Send a NEWSA/UPDSA built from the GETSA reply
 */
static status_t send_copy(private_kernel_libnl_sa_t *this, chunk_t reply,
						  int type, kernel_ipsec_sa_id_t *id,
						  kernel_ipsec_update_sa_t *data,
						  kernel_libnl_error_t *err)
{
	struct nl_msg *msg;

	msg = kernel_libnl_sa_build_copy((struct nlmsghdr*)reply.ptr, type, id,
									 data);
	if (!msg)
	{
		err->error = ENOMEM;
		return FAILED;
	}
	return this->socket->request(this->socket, msg, NULL, NULL, err);
}

/**
 * Update one SA.
 *
 * XFRM_MSG_MIGRATE is not used although the kernel has it (probed, see
 * KL_FEATURE_MIGRATE): xfrm_migrate() needs a policy with the SA's selector
 * and direction and a template matching the old addresses, and rewrites that
 * policy's templates itself; but charon's child_sa_t.update() removes the old
 * policies (leaving an outbound drop policy without templates) *before* it
 * calls update_sa() and installs the new ones after, so in that order MIGRATE
 * finds no policy (inbound) or one without a matching template (outbound).  It also finds the SA by reqid/addresses/mode
 * rather than SPI (ambiguous while a rekeyed SA shares the reqid), cannot
 * disable UDP encapsulation and would change policies behind the policy
 * half's back.
 *
 * Instead, from the GETSA reply (every attribute, replay state, counters):
 * - only the encapsulation ports change (NAT mapping): XFRM_MSG_UPDSA, which
 *   the kernel applies to the existing state in place, atomically;
 * - the destination changes (a new SA ID): the new SA is added before the
 *   old one is deleted, no moment without an SA;
 * - otherwise (source, encapsulation on/off, reqid): delete and re-add, and
 *   if the kernel refuses the new SA the old one is reinstalled.
 */
static status_t update_one(private_kernel_libnl_sa_t *this,
						   kernel_ipsec_sa_id_t *id,
						   kernel_ipsec_update_sa_t *data)
{
	kernel_libnl_error_t err = {};
	struct xfrm_usersa_info *info;
	chunk_t reply = chunk_empty;
	struct nl_msg *msg;
	status_t status;
	bool src_same, dst_same, reqid_same;
	char markstr[32], buf[256];

	format_mark(markstr, sizeof(markstr), id->mark);
	DBG3(DBG_KNL, "querying SAD entry with SPI %.8x%s for update",
		 ntohl(id->spi), markstr);

	msg = build_get(id);
	if (!msg)
	{
		return FAILED;
	}
	status = this->socket->request(this->socket, msg, copy_reply_cb, &reply,
								   &err);
	if (status != SUCCESS || !reply.ptr)
	{
		DBG1(DBG_KNL, "unable to update SAD entry with SPI %.8x%s: %s",
			 ntohl(id->spi), markstr,
			 kernel_libnl_strerror(&err, buf, sizeof(buf)));
		chunk_clear(&reply);
		return status == NOT_FOUND ? NOT_FOUND : FAILED;
	}
	info = (struct xfrm_usersa_info*)nlmsg_data((struct nlmsghdr*)reply.ptr);
	src_same = id->src->ip_equals(id->src, data->new_src);
	dst_same = id->dst->ip_equals(id->dst, data->new_dst);
	reqid_same = !data->new_reqid || data->new_reqid == info->reqid;

	DBG2(DBG_KNL, "updating SAD entry with SPI %.8x%s from %#H..%#H to "
		 "%#H..%#H", ntohl(id->spi), markstr, id->src, id->dst,
		 data->new_src, data->new_dst);

	if (src_same && dst_same && reqid_same && data->encap == data->new_encap)
	{
		if (!data->new_encap)
		{	/* nothing the kernel knows about changed (e.g. ports only) */
			status = SUCCESS;
			goto out;
		}
		/* only the encapsulation ports change: UPDSA changes them in place,
		 * atomically, keeping replay state and counters */
		status = send_copy(this, reply, XFRM_MSG_UPDSA, id, data, &err);
		if (status == SUCCESS)
		{
			goto out;
		}
		DBG1(DBG_KNL, "updating SAD entry with SPI %.8x%s in place failed: "
			 "%s, replacing it", ntohl(id->spi), markstr,
			 kernel_libnl_strerror(&err, buf, sizeof(buf)));
	}
	if (!dst_same)
	{	/* a new SA ID: add the new SA before deleting the old one */
		status = send_copy(this, reply, XFRM_MSG_NEWSA, id, data, &err);
		if (status != SUCCESS)
		{
			DBG1(DBG_KNL, "unable to update SAD entry with SPI %.8x%s: %s",
				 ntohl(id->spi), markstr,
				 kernel_libnl_strerror(&err, buf, sizeof(buf)));
			status = FAILED;
			goto out;
		}
		if (delete_one(this, id, FALSE) == FAILED)
		{
			DBG1(DBG_KNL, "unable to delete old SAD entry with SPI %.8x%s",
				 ntohl(id->spi), markstr);
		}
		goto out;
	}
	/* same SA ID: delete, then add with the new parameters */
	if (delete_one(this, id, FALSE) != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to delete old SAD entry with SPI %.8x%s",
			 ntohl(id->spi), markstr);
		status = FAILED;
		goto out;
	}
	status = send_copy(this, reply, XFRM_MSG_NEWSA, id, data, &err);
	if (status != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to update SAD entry with SPI %.8x%s: %s",
			 ntohl(id->spi), markstr,
			 kernel_libnl_strerror(&err, buf, sizeof(buf)));
		/* reinstall the SA as it was */
		if (send_copy(this, reply, XFRM_MSG_NEWSA, id, NULL, &err) == SUCCESS)
		{
			DBG1(DBG_KNL, "restored SAD entry with SPI %.8x%s",
				 ntohl(id->spi), markstr);
		}
		else
		{
			DBG1(DBG_KNL, "unable to restore SAD entry with SPI %.8x%s: %s",
				 ntohl(id->spi), markstr,
				 kernel_libnl_strerror(&err, buf, sizeof(buf)));
		}
		status = FAILED;
		goto out;
	}

out:
	if (status == SUCCESS && !dst_same &&
		(id->proto == IPPROTO_ESP || id->proto == IPPROTO_AH))
	{
		this->registry->update(this->registry, id->proto, id->spi, id->dst,
							   data->new_dst);
	}
	chunk_clear(&reply);
	return status;
}

METHOD(kernel_libnl_sa_t, update_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_update_sa_t *data)
{
	if (data->cpi)
	{	/* the IPComp SA first */
		kernel_ipsec_sa_id_t ipcomp_id = {
			.src = id->src,
			.dst = id->dst,
			.spi = htonl(ntohs(data->cpi)),
			.proto = IPPROTO_COMP,
			.mark = id->mark,
			.if_id = id->if_id,
		};
		kernel_ipsec_update_sa_t ipcomp = {
			.new_src = data->new_src,
			.new_dst = data->new_dst,
			.new_reqid = data->new_reqid,
		};

		update_one(this, &ipcomp_id, &ipcomp);
	}
	return update_one(this, id, data);
}

/**
 * Result of ALLOCSPI
 */
CALLBACK(spi_cb, void,
	uint32_t *spi, struct nlmsghdr *hdr)
{
	struct xfrm_usersa_info *info;

	if (hdr->nlmsg_type == XFRM_MSG_NEWSA &&
		hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(*info)))
	{
		info = nlmsg_data(hdr);
		*spi = info->id.spi;
	}
}

/**
 * Allocate an SPI/CPI
 */
static status_t alloc_spi(private_kernel_libnl_sa_t *this, host_t *src,
						  host_t *dst, uint8_t proto, uint32_t min,
						  uint32_t max, uint32_t *spi)
{
	kernel_libnl_error_t err;
	struct nl_msg *msg;
	uint32_t received = 0;
	char buf[256];

	msg = kernel_libnl_xattr_sa_allocspi(src, dst, proto, min, max,
									this->features & KL_FEATURE_SA_DIR);
	if (!msg)
	{
		return FAILED;
	}
	if (this->socket->request(this->socket, msg, spi_cb, &received,
							  &err) != SUCCESS || !received)
	{
		DBG1(DBG_KNL, "allocating %s for %H..%H failed: %s",
			 proto == IPPROTO_COMP ? "CPI" : "SPI", src, dst,
			 err.error ? kernel_libnl_strerror(&err, buf, sizeof(buf))
					   : "no SA in reply");
		return FAILED;
	}
	*spi = received;
	return SUCCESS;
}

METHOD(kernel_libnl_sa_t, get_spi, status_t,
	private_kernel_libnl_sa_t *this, host_t *src, host_t *dst,
	uint8_t protocol, uint32_t *spi)
{
	uint32_t spi_min, spi_max;

	spi_min = lib->settings->get_int(lib->settings, "%s.spi_min",
									 KERNEL_SPI_MIN, lib->ns);
	spi_max = lib->settings->get_int(lib->settings, "%s.spi_max",
									 KERNEL_SPI_MAX, lib->ns);
	if (alloc_spi(this, src, dst, protocol, min(spi_min, spi_max),
				  max(spi_min, spi_max), spi) != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to get SPI");
		return FAILED;
	}
	DBG2(DBG_KNL, "got SPI %.8x", ntohl(*spi));
	return SUCCESS;
}

METHOD(kernel_libnl_sa_t, get_cpi, status_t,
	private_kernel_libnl_sa_t *this, host_t *src, host_t *dst,
	uint16_t *cpi)
{
	uint32_t spi;

	if (alloc_spi(this, src, dst, IPPROTO_COMP, 0x100, 0xEFFF,
				  &spi) != SUCCESS)
	{
		DBG1(DBG_KNL, "unable to get CPI");
		return FAILED;
	}
	*cpi = htons((uint16_t)ntohl(spi));
	DBG2(DBG_KNL, "got CPI %.4x", ntohs(*cpi));
	return SUCCESS;
}

METHOD(kernel_libnl_sa_t, flush_sas, status_t,
	private_kernel_libnl_sa_t *this)
{
	struct {
		uint8_t proto;
		char *name;
	} protos[] = {
		{ IPPROTO_AH, "AH" },
		{ IPPROTO_ESP, "ESP" },
		{ IPPROTO_COMP, "IPComp" },
	};
	kernel_libnl_sa_record_t *record;
	kernel_libnl_error_t err;
	enumerator_t *enumerator;
	struct nl_msg *msg;
	char buf[256];
	int i;

	for (i = 0; i < countof(protos); i++)
	{
		DBG2(DBG_KNL, "flushing all %s SAD entries", protos[i].name);
		msg = kernel_libnl_xattr_sa_flush(protos[i].proto);
		if (!msg ||
			this->socket->request(this->socket, msg, NULL, NULL,
								  &err) != SUCCESS)
		{
			DBG1(DBG_KNL, "unable to flush %s SAD entries: %s",
				 protos[i].name, msg ? kernel_libnl_strerror(&err, buf,
															  sizeof(buf))
									 : "out of memory");
			return FAILED;
		}
	}
	enumerator = this->registry->create_enumerator(this->registry);
	while (enumerator->enumerate(enumerator, &record))
	{
		this->registry->remove(this->registry, record->proto, record->spi,
							   record->dst);
	}
	enumerator->destroy(enumerator);
	return SUCCESS;
}

METHOD(kernel_libnl_sa_t, get_features, kernel_feature_t,
	private_kernel_libnl_sa_t *this)
{
	/* add_sa passes the acquire's sequence number to the kernel */
	return KERNEL_ACQUIRE_SEQ |
		   ((this->features & KL_FEATURE_SA_LASTUSED) ? KERNEL_SA_USE_TIME : 0);
}

METHOD(kernel_libnl_sa_t, destroy, void,
	private_kernel_libnl_sa_t *this)
{
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_sa_t *kernel_libnl_sa_create(kernel_libnl_socket_t *socket,
										  kernel_libnl_registry_t *registry)
{
	private_kernel_libnl_sa_t *this;

	INIT(this,
		.public = {
			.get_features = _get_features,
			.get_spi = _get_spi,
			.get_cpi = _get_cpi,
			.add_sa = _add_sa,
			.update_sa = _update_sa,
			.query_sa = _query_sa,
			.del_sa = _del_sa,
			.flush_sas = _flush_sas,
			.destroy = _destroy,
		},
		.socket = socket,
		.registry = registry,
		.proto_port_transport = lib->settings->get_bool(lib->settings,
						"%s.plugins.kernel-libnl.set_proto_port_transport_sa",
						FALSE, lib->ns),
	);
	this->features = kernel_libnl_features_probe(socket);
	return &this->public;
}
