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

#include "tests.h"

#include <kernel_libnl_selector.h>

/**
 * Build a selector from two TS strings "addr/len" with protocol and ports
 */
static struct xfrm_selector sel_of(char *src, char *dst, uint8_t proto,
								   uint16_t sfrom, uint16_t sto,
								   uint16_t dfrom, uint16_t dto)
{
	traffic_selector_t *s, *d;
	struct xfrm_selector sel;

	s = traffic_selector_create_from_cidr(src, proto, sfrom, sto);
	d = traffic_selector_create_from_cidr(dst, proto, dfrom, dto);
	ck_assert(s && d);
	sel = kernel_libnl_ts2selector(s, d, NULL);
	s->destroy(s);
	d->destroy(d);
	return sel;
}

START_TEST(test_subnets)
{
	struct xfrm_selector sel;

	sel = sel_of("10.1.0.0/16", "10.2.3.0/24", 0, 0, 65535, 0, 65535);
	ck_assert_int_eq(sel.family, AF_INET);
	ck_assert_int_eq(sel.prefixlen_s, 16);
	ck_assert_int_eq(sel.prefixlen_d, 24);
	ck_assert_int_eq(sel.saddr.a4, htonl(0x0a010000));
	ck_assert_int_eq(sel.daddr.a4, htonl(0x0a020300));
	ck_assert_int_eq(sel.proto, 0);
	ck_assert_int_eq(sel.sport_mask, 0);
	ck_assert_int_eq(sel.dport_mask, 0);
	ck_assert_int_eq(sel.ifindex, 0);

	sel = sel_of("2001:db8:1::/48", "2001:db8::1/128", 0, 0, 65535, 0, 65535);
	ck_assert_int_eq(sel.family, AF_INET6);
	ck_assert_int_eq(sel.prefixlen_s, 48);
	ck_assert_int_eq(sel.prefixlen_d, 128);
}
END_TEST

START_TEST(test_ports)
{
	struct xfrm_selector sel;

	/* single port */
	sel = sel_of("10.1.0.0/16", "10.2.0.0/16", IPPROTO_TCP, 0, 65535, 22, 22);
	ck_assert_int_eq(sel.proto, IPPROTO_TCP);
	ck_assert_int_eq(ntohs(sel.dport), 22);
	ck_assert_int_eq(sel.dport_mask, 0xffff);
	ck_assert_int_eq(sel.sport_mask, 0);
	ck_assert_int_eq(kernel_libnl_port_mask_bits(sel.dport_mask), 16);

	/* 32768-65535 is exactly 0x8000/0x8000 */
	sel = sel_of("10.1.0.0/16", "10.2.0.0/16", IPPROTO_TCP, 32768, 65535,
				 0, 65535);
	ck_assert_int_eq(ntohs(sel.sport), 32768);
	ck_assert_int_eq(ntohs(sel.sport_mask), 0x8000);
	ck_assert_int_eq(kernel_libnl_port_mask_bits(sel.sport_mask), 1);

	/* 21-22 is approximated by the common prefix: 20/0xfffc */
	sel = sel_of("10.1.0.0/16", "10.2.0.0/16", IPPROTO_TCP, 0, 65535, 21, 22);
	ck_assert_int_eq(ntohs(sel.dport), 20);
	ck_assert_int_eq(ntohs(sel.dport_mask), 0xfffc);
	ck_assert_int_eq(kernel_libnl_port_mask_bits(sel.dport_mask), 14);
}
END_TEST

START_TEST(test_icmp)
{
	struct xfrm_selector sel;
	traffic_selector_t *ts;

	/* echo request: type 8 code 0 → sport 8, dport 0 */
	sel = sel_of("10.1.0.0/16", "10.2.0.0/16", IPPROTO_ICMP, 0, 65535,
				 8 << 8, 8 << 8);
	ck_assert_int_eq(ntohs(sel.sport), 8);
	ck_assert_int_eq(sel.sport_mask, 0xffff);
	ck_assert_int_eq(ntohs(sel.dport), 0);
	ck_assert_int_eq(sel.dport_mask, 0);

	/* type 3 code 4 (fragmentation needed) */
	sel = sel_of("10.1.0.0/16", "10.2.0.0/16", IPPROTO_ICMP, 0, 65535,
				 (3 << 8) | 4, (3 << 8) | 4);
	ck_assert_int_eq(ntohs(sel.sport), 3);
	ck_assert_int_eq(ntohs(sel.dport), 4);

	/* and back, as an acquire's selector would carry it */
	ts = kernel_libnl_selector2ts(&sel, FALSE);
	ck_assert(ts);
	ck_assert_int_eq(ts->get_protocol(ts), IPPROTO_ICMP);
	ck_assert_int_eq(ts->get_from_port(ts), (3 << 8) | 4);
	ts->destroy(ts);
}
END_TEST

START_TEST(test_selector2ts)
{
	struct xfrm_selector sel = {
		.family = AF_INET,
		.prefixlen_s = 32,
		.prefixlen_d = 32,
		.proto = IPPROTO_TCP,
		.dport = htons(443),
		.dport_mask = 0xffff,
	};
	traffic_selector_t *src, *dst, *exp;

	sel.saddr.a4 = htonl(0xc0000201);
	sel.daddr.a4 = htonl(0xc6336401);
	src = kernel_libnl_selector2ts(&sel, TRUE);
	dst = kernel_libnl_selector2ts(&sel, FALSE);
	exp = traffic_selector_create_from_cidr("192.0.2.1/32", IPPROTO_TCP,
											0, 65535);
	ck_assert(src->equals(src, exp));
	exp->destroy(exp);
	exp = traffic_selector_create_from_cidr("198.51.100.1/32", IPPROTO_TCP,
											443, 443);
	ck_assert(dst->equals(dst, exp));
	exp->destroy(exp);
	src->destroy(src);
	dst->destroy(dst);

	/* no family: guessed by prefix length, unknown yields NULL */
	sel.family = 0;
	src = kernel_libnl_selector2ts(&sel, TRUE);
	ck_assert(src);
	src->destroy(src);
	sel.prefixlen_s = 7;
	ck_assert(kernel_libnl_selector2ts(&sel, TRUE) == NULL);
}
END_TEST

START_TEST(test_host_conversion)
{
	xfrm_address_t addr;
	host_t *host, *back;

	host = host_create_from_string("2001:db8::42", 500);
	kernel_libnl_host2xfrm(host, &addr);
	back = kernel_libnl_xfrm2host(AF_INET6, &addr, htons(4500));
	ck_assert(back->ip_equals(back, host));
	ck_assert_int_eq(back->get_port(back), 4500);
	back->destroy(back);
	host->destroy(host);

	host = host_create_from_string("192.0.2.1", 0);
	memset(&addr, 0xff, sizeof(addr));
	kernel_libnl_host2xfrm(host, &addr);
	ck_assert_int_eq(addr.a6[1], 0);
	ck_assert_int_eq(addr.a6[3], 0);
	host->destroy(host);
	ck_assert(kernel_libnl_xfrm2host(AF_UNSPEC, &addr, 0) == NULL);
}
END_TEST

Suite *selector_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("selector");

	tc = tcase_create("ts2selector");
	tcase_add_test(tc, test_subnets);
	tcase_add_test(tc, test_ports);
	tcase_add_test(tc, test_icmp);
	suite_add_tcase(s, tc);

	tc = tcase_create("selector2ts");
	tcase_add_test(tc, test_selector2ts);
	tcase_add_test(tc, test_host_conversion);
	suite_add_tcase(s, tc);

	return s;
}
