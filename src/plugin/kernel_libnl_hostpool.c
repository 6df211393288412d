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

#include "kernel_libnl_hostpool.h"

#include <collections/hashtable.h>

typedef struct private_kernel_libnl_hostpool_t private_kernel_libnl_hostpool_t;

/**
 * A shared host
 */
typedef struct {
	/** the host */
	host_t *host;
	/** references handed out */
	u_int refs;
} shared_t;

/**
 * Private data of a kernel_libnl_hostpool_t object.
 */
struct private_kernel_libnl_hostpool_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_hostpool_t public;

	/**
	 * shared_t by host_t
	 */
	hashtable_t *hosts;
};

/**
 * Hash of a host, over what equals() compares
 */
static u_int host_hash(host_t *host)
{
	chunk_t addr = host->get_address(host);
	/* what host_t.equals() compares, for a single SipHash run */
	struct __attribute__((packed)) {
		u_char addr[16];
		uint16_t port;
		uint8_t family;
	} buf = {
		.port = host->get_port(host),
		.family = host->get_family(host),
	};

	memcpy(buf.addr, addr.ptr, min(addr.len, sizeof(buf.addr)));
	return chunk_hash(chunk_from_thing(buf));
}

/**
 * Equality of hosts
 */
static bool host_equals(host_t *a, host_t *b)
{
	return a->equals(a, b);
}

METHOD(kernel_libnl_hostpool_t, get, host_t*,
	private_kernel_libnl_hostpool_t *this, host_t *host)
{
	shared_t *shared;

	shared = this->hosts->get(this->hosts, host);
	if (!shared)
	{
		INIT(shared,
			.host = host->clone(host),
		);
		this->hosts->put(this->hosts, shared->host, shared);
	}
	shared->refs++;
	return shared->host;
}

METHOD(kernel_libnl_hostpool_t, put, void,
	private_kernel_libnl_hostpool_t *this, host_t *host)
{
	shared_t *shared;

	shared = this->hosts->get(this->hosts, host);
	if (shared && shared->host == host && --shared->refs == 0)
	{
		this->hosts->remove(this->hosts, host);
		host->destroy(host);
		free(shared);
	}
}

/**
 * Destroy a shared host left in the pool
 */
static void shared_destroy(shared_t *shared)
{
	shared->host->destroy(shared->host);
	free(shared);
}

METHOD(kernel_libnl_hostpool_t, destroy, void,
	private_kernel_libnl_hostpool_t *this)
{
	this->hosts->destroy_function(this->hosts, (void*)shared_destroy);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_hostpool_t *kernel_libnl_hostpool_create()
{
	private_kernel_libnl_hostpool_t *this;

	INIT(this,
		.public = {
			.get = _get,
			.put = _put,
			.destroy = _destroy,
		},
		.hosts = hashtable_create((hashtable_hash_t)host_hash,
								  (hashtable_equals_t)host_equals, 32),
	);
	return &this->public;
}
