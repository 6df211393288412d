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
 * @defgroup kernel_libnl_sa kernel_libnl_sa
 * @{ @ingroup kernel_libnl
 *
 * SA (SAD) messages: SPI/CPI allocation, install, update, query, delete.
 */

#ifndef KERNEL_LIBNL_SA_H_
#define KERNEL_LIBNL_SA_H_

#include "kernel_libnl_socket.h"
#include "kernel_libnl_registry.h"

#include <netlink/msg.h>

#include <kernel/kernel_ipsec.h>

typedef struct kernel_libnl_sa_t kernel_libnl_sa_t;

/**
 * The SA half of kernel_ipsec_t, see there for the methods.
 */
struct kernel_libnl_sa_t {

	/**
	 * Feature bits of the SA half (e.g. KERNEL_SA_USE_TIME if probed).
	 */
	kernel_feature_t (*get_features)(kernel_libnl_sa_t *this);

	/** See kernel_ipsec_t.get_spi */
	status_t (*get_spi)(kernel_libnl_sa_t *this, host_t *src, host_t *dst,
						uint8_t protocol, uint32_t *spi);

	/** See kernel_ipsec_t.get_cpi */
	status_t (*get_cpi)(kernel_libnl_sa_t *this, host_t *src, host_t *dst,
						uint16_t *cpi);

	/** See kernel_ipsec_t.add_sa */
	status_t (*add_sa)(kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
					   kernel_ipsec_add_sa_t *data);

	/** See kernel_ipsec_t.update_sa */
	status_t (*update_sa)(kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
						  kernel_ipsec_update_sa_t *data);

	/** See kernel_ipsec_t.query_sa */
	status_t (*query_sa)(kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
						 kernel_ipsec_query_sa_t *data, uint64_t *bytes,
						 uint64_t *packets, time_t *time);

	/** See kernel_ipsec_t.del_sa */
	status_t (*del_sa)(kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
					   kernel_ipsec_del_sa_t *data);

	/** See kernel_ipsec_t.flush_sas */
	status_t (*flush_sas)(kernel_libnl_sa_t *this);

	/**
	 * Destroy this instance.
	 */
	void (*destroy)(kernel_libnl_sa_t *this);
};

typedef struct kernel_libnl_sa_build_t kernel_libnl_sa_build_t;

/**
 * How to build one NEWSA/UPDSA request of add_sa (decided by add_sa from
 * the kernel's features, IPComp and the HW offload fallback).
 */
struct kernel_libnl_sa_build_t {
	/** mode to install (transport for the ESP SA below an IPComp tunnel) */
	ipsec_mode_t mode;
	/** TRUE if mode was switched from tunnel for IPComp: no selector */
	bool switched;
	/** IPComp transform if this is the COMP SA, IPCOMP_NONE otherwise */
	uint16_t ipcomp;
	/** XFRM_MSG_UPDSA instead of XFRM_MSG_NEWSA */
	bool update;
	/** add XFRMA_SA_DIR (kernel knows SA directions) */
	bool sa_dir;
	/** keep protocol and ports in transport mode selectors */
	bool proto_port_transport;
	/** HW offload interface, 0 for none */
	int offload_ifindex;
	/** XFRM_OFFLOAD_* flags if offloaded */
	uint8_t offload_flags;
};

/**
 * Build the NEWSA/UPDSA request for one SA of add_sa.
 *
 * The SA is described with libnl-xfrm objects (xfrmnl_sa, xfrmnl_sel,
 * xfrmnl_ltime_cfg) and built by libnl; what libnl-xfrm 3.7 lacks, including
 * every key, is appended raw (kernel_libnl_xattr), so keys never enter a
 * libnl object.  Free the result with kernel_libnl_msg_free().
 *
 * @param id		SA ID
 * @param data		SA data (not modified)
 * @param build		build parameters
 * @return			message, NULL on failure (logged, e.g. unknown algorithm)
 */
struct nl_msg *kernel_libnl_sa_build_add(kernel_ipsec_sa_id_t *id,
										 kernel_ipsec_add_sa_t *data,
										 kernel_libnl_sa_build_t *build);

/**
 * Build the request that re-creates an existing SA from its GETSA reply with
 * new addresses/encapsulation/reqid (update_sa's copy path).
 *
 * Every attribute of the reply is copied verbatim (also those libnl-xfrm
 * does not model), encapsulation ports, offload device and host selectors
 * are rewritten, the byte/packet counters and add time are kept
 * (XFRMA_LTIME_VAL) as is the replay state; flags the kernel rejects for the
 * SA's direction are removed (strongSwan #2946).  No size limit (#1967).
 *
 * @param reply		XFRM_MSG_NEWSA reply of GETSA (length checked)
 * @param type		XFRM_MSG_NEWSA or XFRM_MSG_UPDSA
 * @param id		SA ID (old addresses)
 * @param data		update data, NULL to rebuild the SA unchanged
 * @return			message, NULL on failure
 */
struct nl_msg *kernel_libnl_sa_build_copy(struct nlmsghdr *reply, int type,
										  kernel_ipsec_sa_id_t *id,
										  kernel_ipsec_update_sa_t *data);

/**
 * Create the SA half.
 *
 * @param socket		request sockets to use
 * @param registry		record of installed SAs, kept up to date
 * @return				instance
 */
kernel_libnl_sa_t *kernel_libnl_sa_create(kernel_libnl_socket_t *socket,
										  kernel_libnl_registry_t *registry);

#endif /** KERNEL_LIBNL_SA_H_ @}*/
