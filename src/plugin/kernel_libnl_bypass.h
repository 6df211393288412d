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
 * @defgroup kernel_libnl_bypass kernel_libnl_bypass
 * @{ @ingroup kernel_libnl
 *
 * Per-socket IKE bypass policies and UDP decapsulation on IKE sockets.
 */

#ifndef KERNEL_LIBNL_BYPASS_H_
#define KERNEL_LIBNL_BYPASS_H_

#include <library.h>

/**
 * Let a socket's traffic bypass IPsec in both directions with per-socket
 * policies (IP_XFRM_POLICY/IPV6_XFRM_POLICY), kernel-netlink's default.
 *
 * @param fd		socket
 * @param family	AF_INET or AF_INET6
 * @return			TRUE if both policies are set
 */
bool kernel_libnl_bypass_socket(int fd, int family);

/**
 * Enable ESP-in-UDP decapsulation (RFC 3948) on a socket, and UDP GRO for it
 * where the kernel has it.
 *
 * @param fd		UDP socket
 * @param family	AF_INET or AF_INET6
 * @param port		local port of the socket
 * @return			TRUE if decapsulation is enabled
 */
bool kernel_libnl_enable_udp_decap(int fd, int family, uint16_t port);

#endif /** KERNEL_LIBNL_BYPASS_H_ @}*/
