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

#include "kernel_libnl_socket.h"

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <linux/rtnetlink.h>

#include <daemon.h>
#include <threading/mutex.h>
#include <threading/condvar.h>
#include <collections/linked_list.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/** default receive buffer, as kernel-netlink since 5.9.12 */
#define DEFAULT_RCVBUF (8 * 1024 * 1024)

/** default number of sockets for concurrent requests */
#define DEFAULT_SOCKETS 8

/** bound on -EBUSY retries, which do not count as retransmissions */
#define MAX_BUSY_RETRIES 100

/**
 * Initial receive buffer of a request socket.  The kernel sizes dump
 * datagrams by the reader's buffer, capped at 32 KiB, so they fit; only a
 * single reply larger than this (RTM_GETLINK of a device with many VFs) is
 * truncated: the buffer then grows, and a GET request is sent again.  No
 * peeking at every datagram's size first, which would double the syscalls.
 */
#define REPLY_BUFSIZE (64 * 1024)

/** bound on retransmissions after a truncated reply (the buffer grows) */
#define MAX_TRUNC_RETRIES 3

typedef struct private_kernel_libnl_socket_t private_kernel_libnl_socket_t;
typedef struct pooled_t pooled_t;

/**
 * A socket of the pool
 */
struct pooled_t {
	/** libnl socket */
	struct nl_sock *sk;
	/** receive buffer, wiped after every datagram */
	char *buf;
	/** size of buf, REPLY_BUFSIZE or what a truncated reply needed */
	size_t bufsize;
};

/**
 * Private data of a kernel_libnl_socket_t object.
 */
struct private_kernel_libnl_socket_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_socket_t public;

	/**
	 * Netlink protocol
	 */
	int protocol;

	/**
	 * Idle sockets, pooled_t*
	 */
	linked_list_t *idle;

	/**
	 * Sockets in existence
	 */
	u_int count;

	/**
	 * Maximum number of sockets
	 */
	u_int max;

	/**
	 * Protects idle and count
	 */
	mutex_t *mutex;

	/**
	 * Signals a socket returned to the pool
	 */
	condvar_t *condvar;

	/**
	 * Sequence number counter
	 */
	uint32_t seq;

	/**
	 * Receive buffer size
	 */
	int rcvbuf;

	/**
	 * Timeout for replies in ms, 0 to wait forever
	 */
	u_int timeout;

	/**
	 * Retransmissions after a timeout
	 */
	u_int retries;

	/**
	 * Treat EEXIST/ENOENT after a retransmission as success
	 */
	bool ignore_retransmit_errors;

	/**
	 * Initial receive buffer size of the sockets
	 */
	size_t bufsize;
};

/*
 * Described in header
 */
uint32_t kernel_libnl_next_seq(uint32_t *counter)
{
	uint32_t seq;

	do
	{
		seq = __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	}
	while (seq == 0);
	return seq;
}

/**
 * Set a socket option, logging failures
 */
static bool set_opt(int fd, int level, int name, int value, char *what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) < 0)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to set %s on netlink socket: %s",
			 what, strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
struct nl_sock *kernel_libnl_sock_open(int protocol, int rcvbuf)
{
	struct nl_sock *sk;
	int err, fd;

	sk = nl_socket_alloc();
	if (!sk)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to allocate netlink socket");
		return NULL;
	}
	err = nl_connect(sk, protocol);
	if (err < 0)
	{
		DBG1(DBG_KNL, "kernel-libnl: unable to connect netlink socket: %s",
			 nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	fd = nl_socket_get_fd(sk);
	/* extended ACKs carry the kernel's reason for an error; capped ACKs do
	 * not echo the request, which may contain keys */
	set_opt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
	set_opt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
	if (rcvbuf > 0)
	{	/* SO_RCVBUFFORCE ignores rmem_max but needs CAP_NET_ADMIN */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
					   sizeof(rcvbuf)) < 0)
		{
			set_opt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
		}
	}
	return sk;
}

/*
 * Described in header
 */
ssize_t kernel_libnl_recv(int fd, void **buf, uint32_t *src_pid, int flags)
{
	struct sockaddr_nl addr;
	socklen_t addrlen = sizeof(addr);
	ssize_t len, got;
	void *data;

	*buf = NULL;
	while (TRUE)
	{
		len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);
		if (len < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			return -errno;
		}
		break;
	}
	/* a zero-length datagram still has to be consumed */
	data = malloc(max(len, 1));
	while (TRUE)
	{
		got = recvfrom(fd, data, max(len, 1), flags, (struct sockaddr*)&addr,
					   &addrlen);
		if (got < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			got = -errno;
			free(data);
			return got;
		}
		break;
	}
	if (src_pid)
	{
		*src_pid = addr.nl_pid;
	}
	*buf = data;
	return got;
}

/*
 * Described in header
 */
void kernel_libnl_recv_free(void *buf, size_t len)
{
	if (buf)
	{
		memwipe(buf, len);
		free(buf);
	}
}

/**
 * Open a socket for the pool
 */
static pooled_t *pooled_open(private_kernel_libnl_socket_t *this)
{
	struct nl_sock *sk;
	pooled_t *pooled;

	sk = kernel_libnl_sock_open(this->protocol, this->rcvbuf);
	if (!sk)
	{
		return NULL;
	}
	INIT(pooled,
		.sk = sk,
		.buf = malloc(this->bufsize),
		.bufsize = this->bufsize,
	);
	return pooled;
}

/**
 * Close a socket of the pool
 */
static void pooled_destroy(pooled_t *pooled)
{
	nl_socket_free(pooled->sk);
	free(pooled->buf);
	free(pooled);
}

/**
 * Take a socket from the pool, opening one if allowed, waiting otherwise
 */
static pooled_t *get_socket(private_kernel_libnl_socket_t *this)
{
	pooled_t *pooled = NULL;

	this->mutex->lock(this->mutex);
	while (this->idle->remove_first(this->idle, (void**)&pooled) != SUCCESS)
	{
		if (this->count < this->max)
		{
			this->count++;
			this->mutex->unlock(this->mutex);
			pooled = pooled_open(this);
			if (pooled)
			{
				return pooled;
			}
			this->mutex->lock(this->mutex);
			this->count--;
			if (!this->count)
			{	/* nothing to wait for */
				this->mutex->unlock(this->mutex);
				return NULL;
			}
		}
		this->condvar->wait(this->condvar, this->mutex);
	}
	this->mutex->unlock(this->mutex);
	return pooled;
}

/**
 * Return a socket to the pool
 */
static void put_socket(private_kernel_libnl_socket_t *this, pooled_t *pooled)
{
	this->mutex->lock(this->mutex);
	this->idle->insert_first(this->idle, pooled);
	this->mutex->unlock(this->mutex);
	this->condvar->signal(this->condvar);
}

/**
 * Whether the kernel answers a request with a reply (or an error) by itself,
 * so it needs no ACK: saves a datagram per query, as kernel-netlink does
 */
static bool answers_itself(int protocol, uint16_t type)
{
	if (protocol != NETLINK_XFRM)
	{
		return FALSE;
	}
	switch (type)
	{
		case XFRM_MSG_GETSA:
		case XFRM_MSG_GETPOLICY:
		case XFRM_MSG_ALLOCSPI:
		case XFRM_MSG_GETAE:
		case XFRM_MSG_GETSADINFO:
		case XFRM_MSG_GETSPDINFO:
			return TRUE;
		default:
			return FALSE;
	}
}

/**
 * Whether a request only reads, so it may be sent again after its reply was
 * truncated (not ALLOCSPI, which would allocate another SPI)
 */
static bool is_get(int protocol, uint16_t type)
{
	if (protocol == NETLINK_XFRM)
	{
		return type != XFRM_MSG_ALLOCSPI && answers_itself(protocol, type);
	}
	/* RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, ... */
	return protocol == NETLINK_ROUTE && type >= RTM_BASE && type % 4 == 2;
}

/**
 * Grow the receive buffer of a socket to hold a datagram of len bytes
 */
static void grow_buffer(pooled_t *pooled, size_t len)
{
	free(pooled->buf);
	pooled->bufsize = round_up(len, 4096);
	pooled->buf = malloc(pooled->bufsize);
}

/**
 * Receive the replies to the request with the given sequence number.
 *
 * @return		SUCCESS when the request completed (err tells how),
 *				OUT_OF_RES on timeout, FAILED on socket errors (in err),
 *				INVALID_STATE if a reply was truncated (the buffer has grown)
 */
static status_t receive(private_kernel_libnl_socket_t *this,
						pooled_t *pooled, uint32_t seq, bool reply_ends,
						kernel_libnl_reply_cb_t cb, void *user,
						kernel_libnl_error_t *err)
{
	struct pollfd pfd = {
		.fd = nl_socket_get_fd(pooled->sk),
		.events = POLLIN,
	};
	struct sockaddr_nl addr;
	socklen_t addrlen;
	struct nlmsghdr *hdr;
	ssize_t len;
	int rem;
	bool done = FALSE, ours;

	while (!done)
	{
		if (this->timeout)
		{
			switch (poll(&pfd, 1, this->timeout))
			{
				case 0:
					return OUT_OF_RES;
				case -1:
					if (errno == EINTR)
					{
						continue;
					}
					err->error = errno;
					return FAILED;
				default:
					break;
			}
		}
		addrlen = sizeof(addr);
		len = recvfrom(pfd.fd, pooled->buf, pooled->bufsize, MSG_TRUNC,
					   (struct sockaddr*)&addr, &addrlen);
		if (len < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			err->error = errno;
			return FAILED;
		}
		if ((size_t)len > pooled->bufsize)
		{	/* the rest of the datagram is gone */
			hdr = (struct nlmsghdr*)pooled->buf;
			ours = hdr->nlmsg_seq == seq;
			memwipe(pooled->buf, pooled->bufsize);
			if (addr.nl_pid != 0)
			{	/* not from the kernel */
				continue;
			}
			if (!ours)
			{	/* late answer to a request we gave up on */
				grow_buffer(pooled, len);
				continue;
			}
			err->error = EMSGSIZE;
			snprintf(err->msg, sizeof(err->msg), "netlink response of %zd "
					 "bytes exceeded the receive buffer of %zu bytes", len,
					 pooled->bufsize);
			grow_buffer(pooled, len);
			return INVALID_STATE;
		}
		if (addr.nl_pid != 0)
		{	/* not from the kernel */
			memwipe(pooled->buf, len);
			continue;
		}
		/* signed: NLMSG_NEXT() may step past the end of an unaligned last
		 * message, which NLMSG_OK() then rejects */
		rem = len;
		for (hdr = (struct nlmsghdr*)pooled->buf; NLMSG_OK(hdr, rem);
			 hdr = NLMSG_NEXT(hdr, rem))
		{
			if (hdr->nlmsg_seq != seq)
			{	/* late answer to a request we gave up on */
				continue;
			}
			if (hdr->nlmsg_type == NLMSG_ERROR)
			{
				kernel_libnl_parse_error(hdr, rem, err);
				done = TRUE;
				break;
			}
			if (hdr->nlmsg_type == NLMSG_DONE)
			{
				if (hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
					*(int*)NLMSG_DATA(hdr) < 0)
				{
					err->error = -*(int*)NLMSG_DATA(hdr);
				}
				done = TRUE;
				break;
			}
			if (cb)
			{
				cb(user, hdr);
			}
			if (reply_ends && !(hdr->nlmsg_flags & NLM_F_MULTI))
			{	/* the answer to a query, no ACK follows */
				done = TRUE;
				break;
			}
		}
		/* replies may carry keys (GETSA, dumps) */
		memwipe(pooled->buf, len);
	}
	return SUCCESS;
}

/**
 * Whether an error after a retransmission means the first attempt succeeded
 */
static bool is_retransmit_error(uint16_t type, int error)
{
	switch (type)
	{
		case XFRM_MSG_NEWSA:
		case XFRM_MSG_NEWPOLICY:
			return error == EEXIST;
		case XFRM_MSG_DELSA:
		case XFRM_MSG_DELPOLICY:
			return error == ENOENT || error == ESRCH;
		default:
			return FALSE;
	}
}

METHOD(kernel_libnl_socket_t, request, status_t,
	private_kernel_libnl_socket_t *this, struct nl_msg *msg,
	kernel_libnl_reply_cb_t cb, void *user, kernel_libnl_error_t *err)
{
	kernel_libnl_error_t local;
	struct nlmsghdr *hdr;
	pooled_t *pooled;
	status_t status;
	u_int tries = 0, busy = 0, truncated = 0;
	bool dump, reply_ends;
	int ret;

	if (!err)
	{
		err = &local;
	}
	*err = (kernel_libnl_error_t){};

	pooled = get_socket(this);
	if (!pooled)
	{
		err->error = ENOTCONN;
		kernel_libnl_msg_free(msg);
		return FAILED;
	}
	hdr = nlmsg_hdr(msg);
	/* some of libnl's builders (e.g. GETSA, GETAE) take no flags, and the
	 * kernel only ACKs a message without NLM_F_REQUEST, unprocessed */
	hdr->nlmsg_flags |= NLM_F_REQUEST;
	dump = (hdr->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	reply_ends = !dump && answers_itself(this->protocol, hdr->nlmsg_type);
	if (!dump && !reply_ends)
	{
		hdr->nlmsg_flags |= NLM_F_ACK;
	}
	hdr->nlmsg_pid = nl_socket_get_local_port(pooled->sk);

	while (TRUE)
	{
		hdr->nlmsg_seq = kernel_libnl_next_seq(&this->seq);
		*err = (kernel_libnl_error_t){};
		ret = nl_sendto(pooled->sk, hdr, hdr->nlmsg_len);
		if (ret < 0)
		{
			err->error = EIO;
			snprintf(err->msg, sizeof(err->msg), "sending failed: %s",
					 nl_geterror(ret));
			status = FAILED;
			break;
		}
		status = receive(this, pooled, hdr->nlmsg_seq, reply_ends, cb, user,
						 err);
		if (status == OUT_OF_RES)
		{
			if (tries++ < this->retries)
			{
				DBG1(DBG_KNL, "kernel-libnl: netlink request timed out, "
					 "retransmitting (%u of %u)", tries, this->retries);
				continue;
			}
			err->error = ETIMEDOUT;
			break;
		}
		if (status == INVALID_STATE)
		{
			if (!dump && is_get(this->protocol, hdr->nlmsg_type) &&
				truncated++ < MAX_TRUNC_RETRIES)
			{
				DBG2(DBG_KNL, "kernel-libnl: %s, requesting it again",
					 err->msg);
				continue;
			}
			status = FAILED;
			break;
		}
		if (status == SUCCESS && err->error == EBUSY &&
			busy++ < MAX_BUSY_RETRIES)
		{	/* e.g. a dump while the tables are rehashed */
			continue;
		}
		if (status == SUCCESS && err->error && tries &&
			this->ignore_retransmit_errors &&
			is_retransmit_error(hdr->nlmsg_type, err->error))
		{
			DBG2(DBG_KNL, "kernel-libnl: ignoring %s after retransmission",
				 strerror(err->error));
			err->error = 0;
		}
		if (status == SUCCESS)
		{
			status = kernel_libnl_status(err->error);
		}
		break;
	}
	put_socket(this, pooled);
	kernel_libnl_msg_free(msg);
	return status;
}

METHOD(kernel_libnl_socket_t, destroy, void,
	private_kernel_libnl_socket_t *this)
{
	this->idle->destroy_function(this->idle, (void*)pooled_destroy);
	this->mutex->destroy(this->mutex);
	this->condvar->destroy(this->condvar);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_socket_t *kernel_libnl_socket_create(int protocol)
{
	return kernel_libnl_socket_create_sized(protocol, REPLY_BUFSIZE);
}

/*
 * Described in header
 */
kernel_libnl_socket_t *kernel_libnl_socket_create_sized(int protocol,
														size_t bufsize)
{
	private_kernel_libnl_socket_t *this;
	pooled_t *pooled;

	INIT(this,
		.public = {
			.request = _request,
			.destroy = _destroy,
		},
		.protocol = protocol,
		.bufsize = max(bufsize, NLMSG_HDRLEN),
		.idle = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.condvar = condvar_create(CONDVAR_TYPE_DEFAULT),
		.rcvbuf = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-libnl.receive_buffer_size",
						DEFAULT_RCVBUF, lib->ns),
		.timeout = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-libnl.timeout", 0, lib->ns),
		.retries = lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-libnl.retries", 0, lib->ns),
		.ignore_retransmit_errors = lib->settings->get_bool(lib->settings,
						"%s.plugins.kernel-libnl.ignore_retransmit_errors",
						FALSE, lib->ns),
		.max = max(1, lib->settings->get_int(lib->settings,
						"%s.plugins.kernel-libnl.request_sockets",
						DEFAULT_SOCKETS, lib->ns)),
		/* start somewhere random-ish, wrap-around is handled anyway */
		.seq = (uint32_t)time(NULL),
	);

	/* open one socket right away so a missing XFRM is noticed now */
	pooled = pooled_open(this);
	if (!pooled)
	{
		destroy(this);
		return NULL;
	}
	this->count = 1;
	this->idle->insert_last(this->idle, pooled);
	return &this->public;
}
