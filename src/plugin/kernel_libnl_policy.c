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

#include "kernel_libnl_policy.h"

/* placeholder until the policy issue lands: every policy operation is refused */

typedef struct private_kernel_libnl_policy_t private_kernel_libnl_policy_t;

/**
 * Private data of a kernel_libnl_policy_t object.
 */
struct private_kernel_libnl_policy_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_policy_t public;
};

METHOD(kernel_libnl_policy_t, add_policy, status_t,
	private_kernel_libnl_policy_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_policy_t, query_policy, status_t,
	private_kernel_libnl_policy_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_query_policy_t *data, time_t *use_time)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_policy_t, del_policy, status_t,
	private_kernel_libnl_policy_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_policy_t, flush_policies, status_t,
	private_kernel_libnl_policy_t *this)
{
	return NOT_SUPPORTED;
}

METHOD(kernel_libnl_policy_t, add_port_bypass, bool,
	private_kernel_libnl_policy_t *this, int fd, int family)
{
	return FALSE;
}

METHOD(kernel_libnl_policy_t, destroy, void,
	private_kernel_libnl_policy_t *this)
{
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_policy_t *kernel_libnl_policy_create(kernel_libnl_socket_t *socket)
{
	private_kernel_libnl_policy_t *this;

	INIT(this,
		.public = {
			.add_policy = _add_policy,
			.query_policy = _query_policy,
			.del_policy = _del_policy,
			.flush_policies = _flush_policies,
			.add_port_bypass = _add_port_bypass,
			.destroy = _destroy,
		},
	);
	return &this->public;
}
