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

#include <kernel_libnl_socket.h>

#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>

START_TEST(test_seq_skips_zero)
{
	uint32_t counter = UINT32_MAX - 2;

	ck_assert_int_eq(kernel_libnl_next_seq(&counter), UINT32_MAX - 1);
	ck_assert_int_eq(kernel_libnl_next_seq(&counter), UINT32_MAX);
	/* wrap-around never yields 0, which replies could not be matched by */
	ck_assert_int_eq(kernel_libnl_next_seq(&counter), 1);
	ck_assert_int_eq(kernel_libnl_next_seq(&counter), 2);
}
END_TEST

START_TEST(test_recv_any_size)
{
	int sv[2];
	char *big, *got;
	ssize_t len;
	size_t sizes[] = { 1, 100, 4096, 16384, 16385, 100000 };
	int i;

	ck_assert(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	big = malloc(100000);
	for (i = 0; i < countof(sizes); i++)
	{
		memset(big, 'a' + i, sizes[i]);
		ck_assert_int_eq(send(sv[0], big, sizes[i], 0), sizes[i]);
		len = kernel_libnl_recv(sv[1], (void**)&got, NULL, 0);
		ck_assert_int_eq(len, sizes[i]);
		ck_assert(memeq(got, big, sizes[i]));
		kernel_libnl_recv_free(got, len);
	}
	/* nothing queued: non-blocking read reports EAGAIN */
	len = kernel_libnl_recv(sv[1], (void**)&got, NULL, MSG_DONTWAIT);
	ck_assert_int_eq(len, -EAGAIN);
	ck_assert(got == NULL);
	free(big);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

Suite *socket_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("socket");

	tc = tcase_create("sequence numbers");
	tcase_add_test(tc, test_seq_skips_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("receive");
	tcase_add_test(tc, test_recv_any_size);
	suite_add_tcase(s, tc);

	return s;
}
