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
 * A fake kernel_libnl_socket_t for unit tests: records every request and
 * answers with scripted errors and an optional reply, no kernel involved.
 */

#ifndef FAKE_SOCKET_H_
#define FAKE_SOCKET_H_

#include <kernel_libnl_socket.h>

#include <collections/array.h>

typedef struct fake_socket_t fake_socket_t;

/**
 * Recording fake socket.
 */
struct fake_socket_t {
	/** what the modules under test use */
	kernel_libnl_socket_t public;
	/** copies of the requests, struct nlmsghdr* */
	array_t *sent;
	/** errno to answer the next requests with, 0 terminated */
	int errors[8];
	/** reply passed to the callback of successful requests, or NULL */
	struct nlmsghdr *reply;
	/** request types the reply answers, 0 terminated; none: all */
	uint16_t reply_to[4];
};

/**
 * Create a fake socket.
 *
 * @return			fake socket
 */
fake_socket_t *fake_socket_create();

/**
 * Set the reply (a copy of hdr, replacing a previous one).
 *
 * @param hdr		reply message
 */
void fake_socket_reply(fake_socket_t *fake, struct nlmsghdr *hdr);

/**
 * Forget the requests recorded so far.
 */
void fake_socket_forget(fake_socket_t *fake);

/**
 * Recorded request i (asserts that it exists).
 *
 * @param i			index, 0 is the first request
 * @return			request
 */
struct nlmsghdr *fake_socket_sent(fake_socket_t *fake, int i);

/**
 * Destroy a fake socket.
 */
void fake_socket_destroy(fake_socket_t *fake);

#endif /* FAKE_SOCKET_H_ */
