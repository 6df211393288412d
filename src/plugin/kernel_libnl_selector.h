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
 * @defgroup kernel_libnl_selector kernel_libnl_selector
 * @{ @ingroup kernel_libnl
 *
 * Conversions between charon's traffic selectors/hosts and the kernel's
 * xfrm_selector/xfrm_address_t, shared by SAs, policies and events.  The
 * encoding is kernel-netlink's, so both install identical selectors.
 */

#ifndef KERNEL_LIBNL_SELECTOR_H_
#define KERNEL_LIBNL_SELECTOR_H_

#include <linux/xfrm.h>

#include <library.h>
#include <networking/host.h>
#include <selectors/traffic_selector.h>

/**
 * Build the selector for a pair of traffic selectors.
 *
 * Port ranges are approximated by the largest port/mask covering their start,
 * ICMP type and code go into the source and destination port fields, the
 * protocol is the more specific of the two.
 *
 * @param src		source traffic selector
 * @param dst		destination traffic selector
 * @param interface	interface to restrict to, or NULL
 * @return			selector
 */
struct xfrm_selector kernel_libnl_ts2selector(traffic_selector_t *src,
											  traffic_selector_t *dst,
											  char *interface);

/**
 * Build a traffic selector from one side of a selector.
 *
 * @param sel		selector as received from the kernel
 * @param src		TRUE for the source side
 * @return			traffic selector, NULL if the family is unknown
 */
traffic_selector_t *kernel_libnl_selector2ts(struct xfrm_selector *sel,
											 bool src);

/**
 * Number of leading one bits of a port mask in network order.
 *
 * @param mask		port mask (network order)
 * @return			0..16
 */
u_int kernel_libnl_port_mask_bits(uint16_t mask);

/**
 * Copy a host's address into an xfrm address.
 *
 * @param host		host
 * @param xfrm		receives the address, zero padded
 */
void kernel_libnl_host2xfrm(host_t *host, xfrm_address_t *xfrm);

/**
 * Create a host from an xfrm address.
 *
 * @param family	AF_INET or AF_INET6
 * @param xfrm		address
 * @param port		port in network order
 * @return			host, NULL if the family is unknown
 */
host_t *kernel_libnl_xfrm2host(int family, xfrm_address_t *xfrm,
							   uint16_t port);

#endif /** KERNEL_LIBNL_SELECTOR_H_ @}*/
