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
 * @defgroup kernel_libnl_policy kernel_libnl_policy
 * @{ @ingroup kernel_libnl
 *
 * Policy (SPD) half of kernel_ipsec_t: kernel-netlink's sharing and priority
 * semantics on top of the policy store, routes, port bypass policies.
 */

#ifndef KERNEL_LIBNL_POLICY_H_
#define KERNEL_LIBNL_POLICY_H_

#include "kernel_libnl_socket.h"

#include <kernel/kernel_ipsec.h>

typedef struct kernel_libnl_policy_t kernel_libnl_policy_t;

/**
 * The policy half of kernel_ipsec_t, see there for the methods.
 */
struct kernel_libnl_policy_t {

	/** See kernel_ipsec_t.add_policy */
	status_t (*add_policy)(kernel_libnl_policy_t *this,
						   kernel_ipsec_policy_id_t *id,
						   kernel_ipsec_manage_policy_t *data);

	/** See kernel_ipsec_t.query_policy */
	status_t (*query_policy)(kernel_libnl_policy_t *this,
							 kernel_ipsec_policy_id_t *id,
							 kernel_ipsec_query_policy_t *data,
							 time_t *use_time);

	/** See kernel_ipsec_t.del_policy */
	status_t (*del_policy)(kernel_libnl_policy_t *this,
						   kernel_ipsec_policy_id_t *id,
						   kernel_ipsec_manage_policy_t *data);

	/** See kernel_ipsec_t.flush_policies */
	status_t (*flush_policies)(kernel_libnl_policy_t *this);

	/**
	 * Install global IKE bypass policies for the local port of a socket
	 * (port_bypass = yes).
	 *
	 * @param fd		socket
	 * @param family	address family of the socket
	 * @return			TRUE if installed
	 */
	bool (*add_port_bypass)(kernel_libnl_policy_t *this, int fd, int family);

	/**
	 * Destroy this instance, removing port bypass policies.
	 */
	void (*destroy)(kernel_libnl_policy_t *this);
};

/**
 * Create the policy half.
 *
 * @param socket		request sockets to use
 * @return				instance
 */
kernel_libnl_policy_t *kernel_libnl_policy_create(kernel_libnl_socket_t *socket);

#endif /** KERNEL_LIBNL_POLICY_H_ @}*/
