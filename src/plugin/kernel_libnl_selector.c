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

#include "kernel_libnl_selector.h"

#include <net/if.h>

/*
 * Described in header
 */
void kernel_libnl_host2xfrm(host_t *host, xfrm_address_t *xfrm)
{
	chunk_t addr = host->get_address(host);

	memset(xfrm, 0, sizeof(*xfrm));
	memcpy(xfrm, addr.ptr, min(addr.len, sizeof(*xfrm)));
}

/*
 * Described in header
 */
host_t *kernel_libnl_xfrm2host(int family, xfrm_address_t *xfrm,
							   uint16_t port)
{
	switch (family)
	{
		case AF_INET:
			return host_create_from_chunk(family,
						chunk_create((u_char*)&xfrm->a4, sizeof(xfrm->a4)),
						ntohs(port));
		case AF_INET6:
			return host_create_from_chunk(family,
						chunk_create((u_char*)&xfrm->a6, sizeof(xfrm->a6)),
						ntohs(port));
		default:
			return NULL;
	}
}

/*
 * Described in header
 */
u_int kernel_libnl_port_mask_bits(uint16_t mask)
{
	u_int bits = 0;

	for (mask = ntohs(mask); bits < 16 && (mask & 0x8000); mask <<= 1)
	{
		bits++;
	}
	return bits;
}

/**
 * Subnet of a traffic selector
 */
static void ts2subnet(traffic_selector_t *ts, xfrm_address_t *net,
					  uint8_t *prefixlen)
{
	host_t *host;

	ts->to_subnet(ts, &host, prefixlen);
	kernel_libnl_host2xfrm(host, net);
	host->destroy(host);
}

/**
 * Port and mask of a traffic selector: a range becomes the common prefix of
 * its bounds (what the kernel can match)
 */
static void ts2ports(traffic_selector_t *ts, uint16_t *port, uint16_t *mask)
{
	uint16_t from = ts->get_from_port(ts), to = ts->get_to_port(ts);
	uint16_t m = 0;
	int bit;

	if (from == to)
	{
		*port = htons(from);
		*mask = 0xffff;
		return;
	}
	for (bit = 15; bit >= 0; bit--)
	{
		if ((from & (1 << bit)) != (to & (1 << bit)))
		{
			break;
		}
		m |= 1 << bit;
	}
	*port = htons(from & m);
	*mask = htons(m);
}

/*
 * Described in header
 */
struct xfrm_selector kernel_libnl_ts2selector(traffic_selector_t *src,
											  traffic_selector_t *dst,
											  char *interface)
{
	struct xfrm_selector sel = {};
	uint16_t icmp;

	sel.family = src->get_type(src) == TS_IPV4_ADDR_RANGE ? AF_INET
														  : AF_INET6;
	/* either side may be "any" (0), the other one restricts */
	sel.proto = max(src->get_protocol(src), dst->get_protocol(dst));
	ts2subnet(dst, &sel.daddr, &sel.prefixlen_d);
	ts2subnet(src, &sel.saddr, &sel.prefixlen_s);
	ts2ports(dst, &sel.dport, &sel.dport_mask);
	ts2ports(src, &sel.sport, &sel.sport_mask);
	if ((sel.proto == IPPROTO_ICMP || sel.proto == IPPROTO_ICMPV6) &&
		(sel.dport || sel.sport))
	{	/* the kernel matches ICMP type in sport and code in dport */
		icmp = ntohs(max(sel.dport, sel.sport));
		sel.sport = htons(traffic_selector_icmp_type(icmp));
		sel.sport_mask = sel.sport ? 0xffff : 0;
		sel.dport = htons(traffic_selector_icmp_code(icmp));
		sel.dport_mask = sel.dport ? 0xffff : 0;
	}
	sel.ifindex = interface ? if_nametoindex(interface) : 0;
	return sel;
}

/*
 * Described in header
 */
traffic_selector_t *kernel_libnl_selector2ts(struct xfrm_selector *sel,
											 bool src)
{
	xfrm_address_t *addr;
	uint8_t prefixlen;
	uint16_t port = 0;
	host_t *host;
	traffic_selector_t *ts;
	int family = sel->family;

	if (src)
	{
		addr = &sel->saddr;
		prefixlen = sel->prefixlen_s;
		port = sel->sport_mask ? ntohs(sel->sport) : 0;
	}
	else
	{
		addr = &sel->daddr;
		prefixlen = sel->prefixlen_d;
		port = sel->dport_mask ? ntohs(sel->dport) : 0;
	}
	if (sel->proto == IPPROTO_ICMP || sel->proto == IPPROTO_ICMPV6)
	{	/* type in sport, code in dport, as charon encodes them */
		port = ntohs((sel->sport >> 8) | (sel->dport & 0xff00));
	}
	if (family != AF_INET && family != AF_INET6)
	{	/* the selector of some messages has no family, guess by length */
		family = sel->prefixlen_s == 32 ? AF_INET :
				 sel->prefixlen_s == 128 ? AF_INET6 : AF_UNSPEC;
	}
	host = kernel_libnl_xfrm2host(family, addr, 0);
	if (!host)
	{
		return NULL;
	}
	ts = traffic_selector_create_from_subnet(host, prefixlen, sel->proto,
											 port, port ?: 65535);
	return ts;
}
