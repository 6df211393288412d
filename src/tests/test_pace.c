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

#include <kernel_libnl_pace.h>

START_TEST(test_first_request)
{
	kernel_libnl_pace_t p = {};

	/* idle: right away, and only once until it runs */
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 1000), 0);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 1001), -1);
	kernel_libnl_pace_start(&p, 1010);
	ck_assert_int_eq(kernel_libnl_pace_done(&p, 1020, TRUE), -1);
	ck_assert(!p.armed && !p.running);
}
END_TEST

START_TEST(test_gap)
{
	kernel_libnl_pace_t p = {};

	/* a quick dump: the minimum gap */
	kernel_libnl_pace_request(&p, 0);
	kernel_libnl_pace_start(&p, 0);
	kernel_libnl_pace_done(&p, 10, TRUE);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 20),
					 KERNEL_LIBNL_PACE_MIN_GAP - 10);
	kernel_libnl_pace_start(&p, 110);
	/* a slow one: as long as it took */
	kernel_libnl_pace_done(&p, 1110, TRUE);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 1110), 1000);
	kernel_libnl_pace_start(&p, 2110);
	/* capped */
	kernel_libnl_pace_done(&p, 2110 + 60000, TRUE);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 2110 + 60000),
					 KERNEL_LIBNL_PACE_MAX_GAP);
	/* nothing to wait for once the gap is over */
	p = (kernel_libnl_pace_t){};
	kernel_libnl_pace_request(&p, 0);
	kernel_libnl_pace_start(&p, 0);
	kernel_libnl_pace_done(&p, 10, TRUE);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 5000), 0);
}
END_TEST

START_TEST(test_request_while_running)
{
	kernel_libnl_pace_t p = {};

	kernel_libnl_pace_request(&p, 0);
	kernel_libnl_pace_start(&p, 0);
	/* the dump may already have passed the SA whose event was lost */
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 5), -1);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 6), -1);
	/* one more, after the gap */
	ck_assert_int_eq(kernel_libnl_pace_done(&p, 50, TRUE),
					 KERNEL_LIBNL_PACE_MIN_GAP);
	ck_assert(p.armed);
	ck_assert_int_eq(kernel_libnl_pace_request(&p, 60), -1);
	kernel_libnl_pace_start(&p, 150);
	ck_assert_int_eq(kernel_libnl_pace_done(&p, 160, TRUE), -1);
}
END_TEST

START_TEST(test_retry)
{
	kernel_libnl_pace_t p = {};
	int64_t expected[] = { 1000, 2000, 4000, 8000, 16000, 30000, 30000 };
	uint64_t now = 0;
	int i;

	kernel_libnl_pace_request(&p, now);
	for (i = 0; i < countof(expected); i++)
	{
		kernel_libnl_pace_start(&p, now);
		/* a failed dump is never forgotten, backing off */
		ck_assert_int_eq(kernel_libnl_pace_done(&p, now, FALSE), expected[i]);
		ck_assert(p.armed);
		now += expected[i];
	}
	kernel_libnl_pace_start(&p, now);
	ck_assert_int_eq(kernel_libnl_pace_done(&p, now, TRUE), -1);
	ck_assert_int_eq(p.failures, 0);
}
END_TEST

Suite *pace_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("pace");
	tc = tcase_create("resync pacing");
	tcase_add_test(tc, test_first_request);
	tcase_add_test(tc, test_gap);
	tcase_add_test(tc, test_request_while_running);
	tcase_add_test(tc, test_retry);
	suite_add_tcase(s, tc);
	return s;
}
