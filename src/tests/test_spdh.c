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

#include <kernel_libnl_spdh.h>

/**
 * Selector with the given prefix lengths
 */
static struct xfrm_selector sel_of(uint8_t src, uint8_t dst)
{
	struct xfrm_selector sel = {
		.family = AF_INET,
		.prefixlen_s = src,
		.prefixlen_d = dst,
	};
	return sel;
}

START_TEST(test_lower_out)
{
	struct xfrm_selector sel = sel_of(16, 24);
	uint8_t l = 32, r = 32;

	/* outbound: local is the source */
	ck_assert(kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_OUT, 8));
	ck_assert_int_eq(l, 16);
	ck_assert_int_eq(r, 24);
	/* covered already: no change, so no rehash */
	ck_assert(!kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_OUT, 8));
	/* never raised again */
	sel = sel_of(32, 32);
	ck_assert(!kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_OUT, 8));
	ck_assert_int_eq(l, 16);
	ck_assert_int_eq(r, 24);
}
END_TEST

START_TEST(test_lower_in_fwd)
{
	struct xfrm_selector sel = sel_of(16, 24);
	uint8_t l = 32, r = 32;

	/* inbound and forward: local is the destination */
	ck_assert(kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_IN, 8));
	ck_assert_int_eq(l, 24);
	ck_assert_int_eq(r, 16);
	l = r = 32;
	ck_assert(kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_FWD, 8));
	ck_assert_int_eq(l, 24);
	ck_assert_int_eq(r, 16);
}
END_TEST

START_TEST(test_floor)
{
	struct xfrm_selector sel = sel_of(0, 24);
	uint8_t l = 32, r = 32;

	/* a 0.0.0.0/0 side stays unhashed instead of collapsing the hash */
	ck_assert(kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_OUT, 8));
	ck_assert_int_eq(l, 32);
	ck_assert_int_eq(r, 24);
	sel = sel_of(4, 4);
	ck_assert(!kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_OUT, 8));
	sel = sel_of(8, 8);
	ck_assert(kernel_libnl_spdh_lower(&l, &r, &sel, POLICY_OUT, 8));
	ck_assert_int_eq(l, 8);
	ck_assert_int_eq(r, 8);
}
END_TEST

Suite *spdh_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("spdh");
	tc = tcase_create("auto thresholds");
	tcase_add_test(tc, test_lower_out);
	tcase_add_test(tc, test_lower_in_fwd);
	tcase_add_test(tc, test_floor);
	suite_add_tcase(s, tc);
	return s;
}
