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
 * @defgroup kernel_libnl_socket kernel_libnl_socket
 * @{ @ingroup kernel_libnl
 *
 * Request/response layer on libnl sockets.
 *
 * Requests run on a small pool of `nl_sock`s, one request per socket at a
 * time: the kernel answers each socket on its own port, so replies never
 * have to be demultiplexed and no lock is held across a kernel round trip.
 * Every change is ACKed (NLM_F_ACK), errors carry the kernel's extended ACK
 * text (NETLINK_EXT_ACK; libnl does not parse it), error ACKs never echo the
 * request back (NETLINK_CAP_ACK: requests carry keys), and every request and
 * receive buffer is wiped before it is freed.
 */

#ifndef KERNEL_LIBNL_SOCKET_H_
#define KERNEL_LIBNL_SOCKET_H_

#include "kernel_libnl_msg.h"

#include <netlink/socket.h>

typedef struct kernel_libnl_socket_t kernel_libnl_socket_t;

/**
 * Callback for each reply message of a request (not for the ACK).
 *
 * @param user		user data passed to request()
 * @param hdr		reply message, its length is checked (nlmsg_len)
 */
typedef void (*kernel_libnl_reply_cb_t)(void *user, struct nlmsghdr *hdr);

/**
 * A pool of netlink request sockets for one netlink protocol.
 */
struct kernel_libnl_socket_t {

	/**
	 * Send a request and wait for its replies and its ACK.
	 *
	 * XFRM queries (GETSA, GETPOLICY, GETAE, ALLOCSPI, GET*INFO) complete
	 * with their reply, the kernel sends no ACK for them then.
	 * A dump request (NLM_F_DUMP) completes with NLMSG_DONE instead.  On
	 * timeout the request is retransmitted as configured, with a new sequence
	 * number so a late answer to the old one is recognised and skipped;
	 * -EBUSY answers are retried.
	 *
	 * @param msg		request, consumed (wiped and freed) in any case
	 * @param cb		callback for each reply message, or NULL
	 * @param user		user data passed to cb
	 * @param err		receives the kernel's error and ext-ack, or NULL
	 * @return			SUCCESS, ALREADY_DONE (EEXIST), NOT_FOUND
	 *					(ESRCH/ENOENT), OUT_OF_RES (timeout) or FAILED
	 */
	status_t (*request)(kernel_libnl_socket_t *this, struct nl_msg *msg,
						kernel_libnl_reply_cb_t cb, void *user,
						kernel_libnl_error_t *err);

	/**
	 * Destroy the pool and close all sockets.
	 */
	void (*destroy)(kernel_libnl_socket_t *this);
};

/**
 * Create a pool of request sockets.
 *
 * Options are read from charon.plugins.kernel-libnl: receive_buffer_size,
 * timeout, retries, ignore_retransmit_errors, request_sockets.
 *
 * @param protocol		netlink protocol, e.g. NETLINK_XFRM
 * @return				pool, NULL if no socket can be opened
 */
kernel_libnl_socket_t *kernel_libnl_socket_create(int protocol);

/**
 * Create a pool of request sockets with a given initial receive buffer
 * (kernel_libnl_socket_create() uses 64 KiB), so tests can make replies
 * exceed it.
 *
 * @param protocol		netlink protocol, e.g. NETLINK_XFRM
 * @param bufsize		initial receive buffer size of each socket
 * @return				pool, NULL if no socket can be opened
 */
kernel_libnl_socket_t *kernel_libnl_socket_create_sized(int protocol,
														size_t bufsize);

/**
 * Open a libnl socket as kernel-libnl configures all of its sockets:
 * connected, extended ACKs, capped ACKs, the configured receive buffer.
 *
 * @param protocol		netlink protocol
 * @param rcvbuf		receive buffer size in bytes, 0 for the default
 * @return				socket, NULL on failure (logged)
 */
struct nl_sock *kernel_libnl_sock_open(int protocol, int rcvbuf);

/**
 * Receive one datagram of any size without leaving unwiped copies behind.
 *
 * The datagram's size is peeked first so the buffer never has to grow
 * (libnl's nl_recv() may realloc() a partially filled buffer).
 *
 * @param fd			netlink socket
 * @param buf			receives the datagram, free with kernel_libnl_recv_free()
 * @param src_pid		receives the sender's port id (0: the kernel), or NULL
 * @param flags			recv flags, e.g. MSG_DONTWAIT
 * @return				bytes received, or -errno
 */
ssize_t kernel_libnl_recv(int fd, void **buf, uint32_t *src_pid, int flags);

/**
 * Wipe and free a buffer returned by kernel_libnl_recv().
 *
 * @param buf			buffer
 * @param len			its length
 */
void kernel_libnl_recv_free(void *buf, size_t len);

/**
 * Next sequence number of a counter, never 0 (0 is what unsolicited messages
 * carry, a reply with it could never be matched).
 *
 * @param counter		counter to advance atomically
 * @return				sequence number
 */
uint32_t kernel_libnl_next_seq(uint32_t *counter);

#endif /** KERNEL_LIBNL_SOCKET_H_ @}*/
