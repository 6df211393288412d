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
