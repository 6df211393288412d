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

/* placeholder until the SA issue lands: every SA operation is refused */

typedef struct private_kernel_libnl_sa_t private_kernel_libnl_sa_t;

/**
 * Private data of a kernel_libnl_sa_t object.
 */
struct private_kernel_libnl_sa_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_sa_t public;
};

METHOD(kernel_libnl_sa_t, get_features, kernel_feature_t,
	private_kernel_libnl_sa_t *this)
{
	return 0;
}

METHOD(kernel_libnl_sa_t, get_spi, status_t,
	private_kernel_libnl_sa_t *this, host_t *src, host_t *dst,
	uint8_t protocol, uint32_t *spi)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_sa_t, get_cpi, status_t,
	private_kernel_libnl_sa_t *this, host_t *src, host_t *dst,
	uint16_t *cpi)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_sa_t, add_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_add_sa_t *data)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_sa_t, update_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_update_sa_t *data)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_sa_t, query_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_query_sa_t *data, uint64_t *bytes, uint64_t *packets,
	time_t *time)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_sa_t, del_sa, status_t,
	private_kernel_libnl_sa_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_del_sa_t *data)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_sa_t, flush_sas, status_t,
	private_kernel_libnl_sa_t *this)
{
	return NOT_SUPPORTED;
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
	);
	return &this->public;
}
