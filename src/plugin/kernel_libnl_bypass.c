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

#include "kernel_libnl_bypass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <linux/ipsec.h>
#include <linux/xfrm.h>

#include <daemon.h>

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP IPPROTO_UDP
#endif

/*
 * Described in header
 */
bool kernel_libnl_bypass_socket(int fd, int family)
{
	struct xfrm_userpolicy_info policy = {
		.action = XFRM_POLICY_ALLOW,
		.sel = {
			.family = family,
		},
		/* no lifetime limits, as kernel-netlink (socket policies never
		 * expire anyway) */
	};
	int level, optname;
	u_int dirs[] = { XFRM_POLICY_IN, XFRM_POLICY_OUT }, i;

	switch (family)
	{
		case AF_INET:
			level = SOL_IP;
			optname = IP_XFRM_POLICY;
			break;
		case AF_INET6:
			level = SOL_IPV6;
			optname = IPV6_XFRM_POLICY;
			break;
		default:
			return FALSE;
	}
	for (i = 0; i < countof(dirs); i++)
	{
		policy.dir = dirs[i];
		if (setsockopt(fd, level, optname, &policy, sizeof(policy)) < 0)
		{
			DBG1(DBG_KNL, "unable to set IPSEC_POLICY on socket: %s (%d)",
				 strerror(errno), errno);
			return FALSE;
		}
	}
	DBG2(DBG_KNL, "kernel-libnl: IKE socket %d bypasses IPsec (%s)", fd,
		 family == AF_INET ? "IPv4" : "IPv6");
	return TRUE;
}

/*
 * Described in header
 */
bool kernel_libnl_enable_udp_decap(int fd, int family, uint16_t port)
{
	int type = UDP_ENCAP_ESPINUDP, on = 1;

	if (setsockopt(fd, SOL_UDP, UDP_ENCAP, &type, sizeof(type)) < 0)
	{
		DBG1(DBG_KNL, "unable to set UDP_ENCAP: %s (%d)", strerror(errno),
			 errno);
		return FALSE;
	}
	/* GRO lets the kernel aggregate ESP-in-UDP (Linux 5.x+); optional */
	if (setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) < 0)
	{
		DBG2(DBG_KNL, "kernel-libnl: UDP_GRO not available: %s",
			 strerror(errno));
	}
	DBG2(DBG_KNL, "kernel-libnl: UDP decapsulation enabled on socket %d "
		 "(port %u)", fd, port);
	return TRUE;
}
