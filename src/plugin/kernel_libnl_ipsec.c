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

#include "kernel_libnl_ipsec.h"
#include "kernel_libnl_compat.h"
#include "kernel_libnl_socket.h"
#include "kernel_libnl_registry.h"
#include "kernel_libnl_sa.h"
#include "kernel_libnl_policy.h"
#include "kernel_libnl_events.h"
#include "kernel_libnl_bypass.h"

#include <linux/netlink.h>
#include <netlink/version.h>

#include <daemon.h>

typedef struct private_kernel_libnl_ipsec_t private_kernel_libnl_ipsec_t;

/**
 * Private data of a kernel_libnl_ipsec_t object.
 *
 * This only wires charon's interface to the modules doing the work.
 */
struct private_kernel_libnl_ipsec_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_ipsec_t public;

	/**
	 * Request sockets for NETLINK_XFRM
	 */
	kernel_libnl_socket_t *socket;

	/**
	 * Record of installed SAs, shared by the SA half and the events
	 */
	kernel_libnl_registry_t *registry;

	/**
	 * SA half
	 */
	kernel_libnl_sa_t *sas;

	/**
	 * Policy half
	 */
	kernel_libnl_policy_t *policies;

	/**
	 * Kernel events
	 */
	kernel_libnl_events_t *events;

	/**
	 * Global port bypass policies instead of per-socket ones
	 */
	bool port_bypass;
};

METHOD(kernel_ipsec_t, get_features, kernel_feature_t,
	private_kernel_libnl_ipsec_t *this)
{
	return KERNEL_ESP_V3_TFC | KERNEL_POLICY_SPI |
		   this->sas->get_features(this->sas);
}

METHOD(kernel_ipsec_t, get_spi, status_t,
	private_kernel_libnl_ipsec_t *this, host_t *src, host_t *dst,
	uint8_t protocol, uint32_t *spi)
{
	return this->sas->get_spi(this->sas, src, dst, protocol, spi);
}

METHOD(kernel_ipsec_t, get_cpi, status_t,
	private_kernel_libnl_ipsec_t *this, host_t *src, host_t *dst,
	uint16_t *cpi)
{
	return this->sas->get_cpi(this->sas, src, dst, cpi);
}

METHOD(kernel_ipsec_t, add_sa, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_add_sa_t *data)
{
	return this->sas->add_sa(this->sas, id, data);
}

METHOD(kernel_ipsec_t, update_sa, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_update_sa_t *data)
{
	return this->sas->update_sa(this->sas, id, data);
}

METHOD(kernel_ipsec_t, query_sa, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_query_sa_t *data, uint64_t *bytes, uint64_t *packets,
	time_t *time)
{
	return this->sas->query_sa(this->sas, id, data, bytes, packets, time);
}

METHOD(kernel_ipsec_t, del_sa, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_sa_id_t *id,
	kernel_ipsec_del_sa_t *data)
{
	return this->sas->del_sa(this->sas, id, data);
}

METHOD(kernel_ipsec_t, flush_sas, status_t,
	private_kernel_libnl_ipsec_t *this)
{
	return this->sas->flush_sas(this->sas);
}

METHOD(kernel_ipsec_t, add_policy, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	return this->policies->add_policy(this->policies, id, data);
}

METHOD(kernel_ipsec_t, query_policy, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_query_policy_t *data, time_t *use_time)
{
	return this->policies->query_policy(this->policies, id, data, use_time);
}

METHOD(kernel_ipsec_t, del_policy, status_t,
	private_kernel_libnl_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	return this->policies->del_policy(this->policies, id, data);
}

METHOD(kernel_ipsec_t, flush_policies, status_t,
	private_kernel_libnl_ipsec_t *this)
{
	return this->policies->flush_policies(this->policies);
}

METHOD(kernel_ipsec_t, bypass_socket, bool,
	private_kernel_libnl_ipsec_t *this, int fd, int family)
{
	if (this->port_bypass)
	{
		return this->policies->add_port_bypass(this->policies, fd, family);
	}
	return kernel_libnl_bypass_socket(fd, family);
}

METHOD(kernel_ipsec_t, enable_udp_decap, bool,
	private_kernel_libnl_ipsec_t *this, int fd, int family, uint16_t port)
{
	return kernel_libnl_enable_udp_decap(fd, family, port);
}

METHOD(kernel_ipsec_t, destroy, void,
	private_kernel_libnl_ipsec_t *this)
{
	DESTROY_IF(this->events);
	DESTROY_IF(this->policies);
	DESTROY_IF(this->sas);
	DESTROY_IF(this->registry);
	DESTROY_IF(this->socket);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_ipsec_t *kernel_libnl_ipsec_create()
{
	private_kernel_libnl_ipsec_t *this;

	INIT(this,
		.public = {
			.interface = {
				.get_features = _get_features,
				.get_spi = _get_spi,
				.get_cpi = _get_cpi,
				.add_sa = _add_sa,
				.update_sa = _update_sa,
				.query_sa = _query_sa,
				.del_sa = _del_sa,
				.flush_sas = _flush_sas,
				.add_policy = _add_policy,
				.query_policy = _query_policy,
				.del_policy = _del_policy,
				.flush_policies = _flush_policies,
				.bypass_socket = _bypass_socket,
				.enable_udp_decap = _enable_udp_decap,
				.destroy = _destroy,
			},
		},
		.port_bypass = lib->settings->get_bool(lib->settings,
						"%s.plugins.kernel-libnl.port_bypass", FALSE, lib->ns),
	);

	this->socket = kernel_libnl_socket_create(NETLINK_XFRM);
	if (!this->socket)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to open NETLINK_XFRM socket "
			 "(is xfrm_user available?)");
		destroy(this);
		return NULL;
	}
	this->registry = kernel_libnl_registry_create();
	this->sas = kernel_libnl_sa_create(this->socket, this->registry);
	this->policies = kernel_libnl_policy_create(this->socket);
	this->events = kernel_libnl_events_create(this->socket, this->registry);
	if (!this->sas || !this->policies || !this->events)
	{
		destroy(this);
		return NULL;
	}
	DBG1(DBG_KNL, "kernel-libnl: kernel IPsec interface on %s ready",
		 LIBNL_STRING);
	return &this->public;
}
