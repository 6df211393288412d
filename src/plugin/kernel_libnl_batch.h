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
 * @defgroup kernel_libnl_batch kernel_libnl_batch
 * @{ @ingroup kernel_libnl
 *
 * Request combining: concurrent requests share one datagram.
 *
 * charon installs CHILD_SAs from many worker threads, but the kernel
 * serializes XFRM configuration (xfrm_cfg_mutex) and processes a request in
 * the sender's sendmsg().  Threads waiting for that mutex spin or sleep
 * instead of doing their own work.  Here a thread queues its request; if no
 * other thread is sending, it sends everything queued in one datagram (the
 * kernel processes the messages one after the other and answers each), reads
 * all answers with recvmmsg() and hands each to its requester by sequence
 * number.  Requests queued meanwhile go out with the next datagram.  A single
 * thread sees no difference: its datagram holds just its request.
 *
 * Only requests with one answer (an ACK, or the reply of a query) are
 * combined; dumps use the socket pool.
 */

#ifndef KERNEL_LIBNL_BATCH_H_
#define KERNEL_LIBNL_BATCH_H_

#include "kernel_libnl_socket.h"

typedef struct kernel_libnl_batch_t kernel_libnl_batch_t;

/** most requests combined into one datagram */
#define KERNEL_LIBNL_BATCH_MAX 64

/**
 * A combining request socket.
 */
struct kernel_libnl_batch_t {

	/**
	 * Send a request, possibly together with those of other threads, and
	 * wait for its answer.
	 *
	 * @param hdr		request with its flags set (NLM_F_ACK unless the
	 *					reply ends it), not a dump; seq and port are set here
	 * @param reply_ends	the kernel's reply ends the request, no ACK follows
	 * @param cb		callback for each reply message, or NULL; called from
	 *					the thread that sends the datagram
	 * @param user		user data passed to cb
	 * @param err		receives the kernel's error and ext-ack
	 * @return			SUCCESS if answered (err tells how), FAILED on socket
	 *					errors (in err)
	 */
	status_t (*request)(kernel_libnl_batch_t *this, struct nlmsghdr *hdr,
						bool reply_ends, kernel_libnl_reply_cb_t cb,
						void *user, kernel_libnl_error_t *err);

	/**
	 * Destroy the socket; no request may be pending.
	 */
	void (*destroy)(kernel_libnl_batch_t *this);
};

/**
 * Create a combining request socket.
 *
 * @param protocol		netlink protocol
 * @param rcvbuf		receive buffer size, 0 for the default
 * @param seq			shared sequence number counter
 * @return				socket, NULL if it can not be opened
 */
kernel_libnl_batch_t *kernel_libnl_batch_create(int protocol, int rcvbuf,
												uint32_t *seq);

#endif /** KERNEL_LIBNL_BATCH_H_ @}*/
