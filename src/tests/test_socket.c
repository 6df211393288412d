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

#include <daemon.h>

#include <errno.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

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

/** requests per thread of the concurrency test */
#define REQUESTS 300
/** threads of the concurrency test */
#define THREADS 8

/**
 * A thread's view of its requests
 */
typedef struct {
	kernel_libnl_socket_t *socket;
	u_int replies, errors, wrong;
} getlink_t;

/**
 * Reply to RTM_GETLINK: must be the loopback's
 */
static void getlink_cb(getlink_t *t, struct nlmsghdr *hdr)
{
	struct ifinfomsg *ifi = NLMSG_DATA(hdr);

	if (hdr->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != 1)
	{
		t->wrong++;
	}
	t->replies++;
}

/**
 * Harmless requests anybody may send: RTM_GETLINK of the loopback (reply
 * and ACK), and of an interface that does not exist (error ACK)
 */
static void *getlink_thread(getlink_t *t)
{
	kernel_libnl_error_t err;
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
	};
	struct nl_msg *msg;
	u_int before;
	status_t status;
	int i;

	for (i = 0; i < REQUESTS; i++)
	{
		ifi.ifi_index = (i % 3) ? 1 : 0x7ffffff0 - i;
		msg = kernel_libnl_msg_alloc(RTM_GETLINK, 0, &ifi, sizeof(ifi));
		before = t->replies;
		status = t->socket->request(t->socket, msg,
									(kernel_libnl_reply_cb_t)getlink_cb, t,
									&err);
		if (i % 3)
		{	/* exactly one reply, to this request */
			if (status != SUCCESS || t->replies != before + 1)
			{
				t->wrong++;
			}
		}
		else if (status == FAILED && err.error == ENODEV &&
				 t->replies == before)
		{
			t->errors++;
		}
		else
		{
			t->wrong++;
		}
	}
	return NULL;
}

/**
 * Concurrent requests on one pool, each must get its own answers
 */
START_TEST(test_concurrent)
{
	kernel_libnl_socket_t *socket;
	pthread_t threads[THREADS];
	getlink_t t[THREADS] = {};
	int i;

	socket = kernel_libnl_socket_create(NETLINK_ROUTE);
	ck_assert(socket);
	for (i = 0; i < THREADS; i++)
	{
		t[i].socket = socket;
		ck_assert(pthread_create(&threads[i], NULL, (void*)getlink_thread,
								 &t[i]) == 0);
	}
	for (i = 0; i < THREADS; i++)
	{
		pthread_join(threads[i], NULL);
		ck_assert_int_eq(t[i].wrong, 0);
		ck_assert_int_eq(t[i].replies, REQUESTS - (REQUESTS + 2) / 3);
		ck_assert_int_eq(t[i].errors, (REQUESTS + 2) / 3);
	}
	socket->destroy(socket);
}
END_TEST

/**
 * A reply larger than the receive buffer: the buffer grows and the GET is
 * sent again, transparently; an error ACK still fits the grown buffer
 */
START_TEST(test_truncated_reply)
{
	kernel_libnl_socket_t *socket;
	getlink_t t = {};
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = 1,
	};
	kernel_libnl_error_t err;
	int i;

	/* the retransmission is logged */
	ck_assert(libcharon_init());
	/* the loopback's RTM_NEWLINK is more than a kilobyte */
	socket = kernel_libnl_socket_create_sized(NETLINK_ROUTE, 64);
	ck_assert(socket);
	for (i = 0; i < 3; i++)
	{
		ck_assert_int_eq(socket->request(socket,
							kernel_libnl_msg_alloc(RTM_GETLINK, 0, &ifi,
												   sizeof(ifi)),
							(kernel_libnl_reply_cb_t)getlink_cb, &t, &err),
						 SUCCESS);
		ck_assert_int_eq(t.replies, i + 1);
		ck_assert_int_eq(t.wrong, 0);
	}
	ifi.ifi_index = 0x7ffffff0;
	ck_assert_int_eq(socket->request(socket,
							kernel_libnl_msg_alloc(RTM_GETLINK, 0, &ifi,
												   sizeof(ifi)),
							(kernel_libnl_reply_cb_t)getlink_cb, &t, &err),
					 FAILED);
	ck_assert_int_eq(err.error, ENODEV);
	ck_assert_int_eq(t.replies, 3);
	socket->destroy(socket);
	libcharon_deinit();
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

	tc = tcase_create("truncated replies");
	tcase_add_test(tc, test_truncated_reply);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrent requests");
	tcase_add_test(tc, test_concurrent);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}
