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

/* recvmmsg() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "kernel_libnl_batch.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <daemon.h>
#include <threading/mutex.h>
#include <threading/condvar.h>
#include <collections/linked_list.h>

/** most bytes of requests in one datagram (far below the send buffer) */
#define BATCH_BYTES (64 * 1024)

/** answers read per recvmmsg() */
#define RECV_SLOTS 16

/** one receive slot, as the socket pool's buffer: the kernel's own limit */
#define SLOT_SIZE (32 * 1024)

/**
 * ms to wait for answers that are not queued when sendmsg() returns.  The
 * kernel processes XFRM and route requests within sendmsg(), so all answers
 * are there by then; this only guards against a datagram the kernel stopped
 * reading (e.g. a malformed message, which it does not answer).
 */
#define LATE_ANSWER_MS 1000

typedef struct private_kernel_libnl_batch_t private_kernel_libnl_batch_t;

/**
 * A request waiting for its answer, on the requester's stack
 */
typedef struct {
	/** the request */
	struct nlmsghdr *hdr;
	/** its reply ends it */
	bool reply_ends;
	/** reply callback and its data */
	kernel_libnl_reply_cb_t cb;
	void *user;
	/** receives the error */
	kernel_libnl_error_t *err;
	/** SUCCESS once answered, FAILED on socket errors */
	status_t status;
	/** EBUSY retries so far */
	u_int busy;
	/** answered in the current datagram (sender only) */
	bool answered;
	/** send it again (EBUSY, sender only) */
	bool retry;
	/** complete, protected by the mutex */
	bool done;
} pending_t;

/**
 * Private data of a kernel_libnl_batch_t object.
 */
struct private_kernel_libnl_batch_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_batch_t public;

	/**
	 * The socket
	 */
	struct nl_sock *sk;

	/**
	 * Shared sequence number counter
	 */
	uint32_t *seq;

	/**
	 * RECV_SLOTS receive slots, wiped after every datagram
	 */
	char *buf;

	/**
	 * Requests not sent yet, pending_t*
	 */
	linked_list_t *queue;

	/**
	 * A thread is sending a datagram and reading its answers
	 */
	bool sending;

	/**
	 * Protects queue, sending and pending_t.done
	 */
	mutex_t *mutex;

	/**
	 * Signals the end of a datagram
	 */
	condvar_t *condvar;
};

/**
 * Fail a request with a socket error
 */
static void fail(pending_t *p, int error, char *fmt, ...)
{
	va_list args;

	p->err->error = error;
	va_start(args, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, args);
	va_end(args);
	p->status = FAILED;
	p->answered = TRUE;
}

/**
 * The request of a datagram with the given sequence number
 */
static pending_t *find(pending_t **batch, int n, uint32_t seq)
{
	int i;

	for (i = 0; i < n; i++)
	{
		if (batch[i]->hdr->nlmsg_seq == seq)
		{
			return batch[i];
		}
	}
	return NULL;
}

/**
 * Send the requests in one datagram
 */
static bool send_batch(private_kernel_libnl_batch_t *this, pending_t **batch,
					   int n)
{
	static const char pad[NLMSG_ALIGNTO];
	struct iovec iov[2 * KERNEL_LIBNL_BATCH_MAX];
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
	};
	struct msghdr msg = {
		.msg_name = &addr,
		.msg_namelen = sizeof(addr),
		.msg_iov = iov,
	};
	uint32_t port = nl_socket_get_local_port(this->sk);
	struct nlmsghdr *hdr;
	int i;

	for (i = 0; i < n; i++)
	{
		hdr = batch[i]->hdr;
		hdr->nlmsg_seq = kernel_libnl_next_seq(this->seq);
		hdr->nlmsg_pid = port;
		iov[msg.msg_iovlen++] = (struct iovec){
			.iov_base = hdr,
			.iov_len = hdr->nlmsg_len,
		};
		if (NLMSG_ALIGN(hdr->nlmsg_len) != hdr->nlmsg_len)
		{	/* the kernel steps to the next message aligned */
			iov[msg.msg_iovlen++] = (struct iovec){
				.iov_base = (void*)pad,
				.iov_len = NLMSG_ALIGN(hdr->nlmsg_len) - hdr->nlmsg_len,
			};
		}
	}
	while (sendmsg(nl_socket_get_fd(this->sk), &msg, 0) < 0)
	{
		if (errno != EINTR)
		{
			for (i = 0; i < n; i++)
			{
				fail(batch[i], EIO, "sending failed: %s", strerror(errno));
			}
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Read the answers to a datagram of requests
 */
static void receive_batch(private_kernel_libnl_batch_t *this,
						  pending_t **batch, int n)
{
	struct mmsghdr mm[RECV_SLOTS];
	struct iovec iov[RECV_SLOTS];
	struct sockaddr_nl from[RECV_SLOTS];
	struct pollfd pfd = {
		.fd = nl_socket_get_fd(this->sk),
		.events = POLLIN,
	};
	struct nlmsghdr *hdr;
	pending_t *p;
	int i, j, got, rem, open = n;
	size_t len;

	while (open > 0)
	{
		for (j = 0; j < RECV_SLOTS; j++)
		{
			iov[j] = (struct iovec){
				.iov_base = this->buf + j * SLOT_SIZE,
				.iov_len = SLOT_SIZE,
			};
			mm[j] = (struct mmsghdr){
				.msg_hdr = {
					.msg_name = &from[j],
					.msg_namelen = sizeof(from[j]),
					.msg_iov = &iov[j],
					.msg_iovlen = 1,
				},
			};
		}
		got = recvmmsg(pfd.fd, mm, min(open, RECV_SLOTS), MSG_DONTWAIT,
					   NULL);
		if (got < 0 && errno == EINTR)
		{
			continue;
		}
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		{
			got = poll(&pfd, 1, LATE_ANSWER_MS);
			if (got > 0 || (got < 0 && errno == EINTR))
			{
				continue;
			}
			errno = got ? errno : ETIMEDOUT;
			got = -1;
		}
		if (got < 0)
		{	/* ENOBUFS: answers were dropped, we can't tell which */
			for (i = 0; i < n; i++)
			{
				if (!batch[i]->answered)
				{
					fail(batch[i], errno, "no answer from the kernel: %s",
						 strerror(errno));
				}
			}
			return;
		}
		for (j = 0; j < got; j++)
		{
			hdr = iov[j].iov_base;
			len = mm[j].msg_len;
			if (from[j].nl_pid != 0)
			{	/* not from the kernel */
			}
			else if (mm[j].msg_hdr.msg_flags & MSG_TRUNC)
			{
				p = len >= sizeof(*hdr) ? find(batch, n, hdr->nlmsg_seq)
										: NULL;
				if (p && !p->answered)
				{
					fail(p, EMSGSIZE, "netlink response exceeds the receive "
						 "buffer of %d bytes", SLOT_SIZE);
					open--;
				}
			}
			else
			{
				/* signed: NLMSG_NEXT() may step past the end of an unaligned
				 * last message, which NLMSG_OK() then rejects */
				rem = len;
				for (; NLMSG_OK(hdr, rem); hdr = NLMSG_NEXT(hdr, rem))
				{
					p = find(batch, n, hdr->nlmsg_seq);
					if (p && !p->answered &&
						kernel_libnl_answer(hdr, rem, p->reply_ends, p->cb,
											p->user, p->err))
					{
						p->answered = TRUE;
						open--;
					}
				}
			}
			/* answers may carry keys (GETSA) */
			memwipe(iov[j].iov_base, min(len, SLOT_SIZE));
		}
	}
}

/**
 * Send one datagram of queued requests and read its answers, mutex not held
 */
static void run_batch(private_kernel_libnl_batch_t *this, pending_t **batch,
					  int n)
{
	pending_t *p;
	int i;

	for (i = 0; i < n; i++)
	{
		batch[i]->answered = batch[i]->retry = FALSE;
		*batch[i]->err = (kernel_libnl_error_t){};
	}
	if (send_batch(this, batch, n))
	{
		receive_batch(this, batch, n);
	}
	for (i = 0; i < n; i++)
	{
		p = batch[i];
		if (p->status != FAILED)
		{
			if (p->err->error == EBUSY && p->busy++ < KERNEL_LIBNL_MAX_BUSY)
			{	/* e.g. while the kernel rehashes its tables */
				p->retry = TRUE;
			}
			p->status = SUCCESS;
		}
	}
}

/**
 * Take queued requests for one datagram, mutex held
 */
static int take(private_kernel_libnl_batch_t *this, pending_t **batch)
{
	size_t bytes = 0;
	pending_t *p;
	int n = 0;

	while (n < KERNEL_LIBNL_BATCH_MAX &&
		   this->queue->get_first(this->queue, (void**)&p) == SUCCESS)
	{
		if (n && bytes + NLMSG_ALIGN(p->hdr->nlmsg_len) > BATCH_BYTES)
		{
			break;
		}
		this->queue->remove_first(this->queue, (void**)&p);
		bytes += NLMSG_ALIGN(p->hdr->nlmsg_len);
		batch[n++] = p;
	}
	return n;
}

METHOD(kernel_libnl_batch_t, request, status_t,
	private_kernel_libnl_batch_t *this, struct nlmsghdr *hdr, bool reply_ends,
	kernel_libnl_reply_cb_t cb, void *user, kernel_libnl_error_t *err)
{
	pending_t *batch[KERNEL_LIBNL_BATCH_MAX];
	pending_t p = {
		.hdr = hdr,
		.reply_ends = reply_ends,
		.cb = cb,
		.user = user,
		.err = err,
	};
	int i, n;

	this->mutex->lock(this->mutex);
	this->queue->insert_last(this->queue, &p);
	while (!p.done)
	{
		if (this->sending)
		{
			this->condvar->wait(this->condvar, this->mutex);
			continue;
		}
		/* nobody sends: send ours and whatever else is queued */
		this->sending = TRUE;
		n = take(this, batch);
		this->mutex->unlock(this->mutex);

		run_batch(this, batch, n);

		this->mutex->lock(this->mutex);
		for (i = 0; i < n; i++)
		{
			if (batch[i]->retry)
			{
				this->queue->insert_last(this->queue, batch[i]);
			}
			else
			{
				batch[i]->done = TRUE;
			}
		}
		this->sending = FALSE;
		this->condvar->broadcast(this->condvar);
	}
	this->mutex->unlock(this->mutex);
	return p.status;
}

METHOD(kernel_libnl_batch_t, destroy, void,
	private_kernel_libnl_batch_t *this)
{
	nl_socket_free(this->sk);
	free(this->buf);
	this->queue->destroy(this->queue);
	this->mutex->destroy(this->mutex);
	this->condvar->destroy(this->condvar);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_batch_t *kernel_libnl_batch_create(int protocol, int rcvbuf,
												uint32_t *seq)
{
	private_kernel_libnl_batch_t *this;
	struct nl_sock *sk;

	sk = kernel_libnl_sock_open(protocol, rcvbuf);
	if (!sk)
	{
		return NULL;
	}
	INIT(this,
		.public = {
			.request = _request,
			.destroy = _destroy,
		},
		.sk = sk,
		.seq = seq,
		/* only the pages answers are written to are ever touched */
		.buf = malloc(RECV_SLOTS * SLOT_SIZE),
		.queue = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
	);
	return &this->public;
}
