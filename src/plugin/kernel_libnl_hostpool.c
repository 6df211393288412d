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
 * Shared hosts checked before hashing: a policy or SA names two addresses,
 * and consecutive requests mostly name the same two
 */
#define RECENT 2

/**
 * Private data of a kernel_libnl_hostpool_t object.
 */
struct private_kernel_libnl_hostpool_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_hostpool_t public;

	/**
	 * shared_t by host_t (equals()), for get()
	 */
	hashtable_t *hosts;

	/**
	 * shared_t by the pointer of its host, for put()
	 */
	hashtable_t *shared;

	/**
	 * Most recently used shared hosts, most recent first (or NULL)
	 */
	shared_t *recent[RECENT];
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

/**
 * Hash of a pointer: our own allocations, nothing a peer chooses, so a
 * multiplicative hash will do (hashtable_hash_ptr() runs SipHash)
 */
static u_int ptr_hash(void *ptr)
{
	return ((uint64_t)(uintptr_t)ptr * 0x9e3779b97f4a7c15ULL) >> 32;
}

/**
 * Make a shared host the most recently used one
 */
static void touch(private_kernel_libnl_hostpool_t *this, shared_t *shared)
{
	int i;

	for (i = 0; i < RECENT - 1 && this->recent[i] != shared; i++)
	{
		;
	}
	memmove(&this->recent[1], &this->recent[0], i * sizeof(shared_t*));
	this->recent[0] = shared;
}

METHOD(kernel_libnl_hostpool_t, get, host_t*,
	private_kernel_libnl_hostpool_t *this, host_t *host)
{
	shared_t *shared = NULL;
	int i;

	for (i = 0; i < RECENT && this->recent[i]; i++)
	{
		if (host_equals(this->recent[i]->host, host))
		{
			shared = this->recent[i];
			break;
		}
	}
	if (!shared)
	{
		shared = this->hosts->get(this->hosts, host);
	}
	if (!shared)
	{
		INIT(shared,
			.host = host->clone(host),
		);
		this->hosts->put(this->hosts, shared->host, shared);
		this->shared->put(this->shared, shared->host, shared);
	}
	touch(this, shared);
	shared->refs++;
	return shared->host;
}

METHOD(kernel_libnl_hostpool_t, put, void,
	private_kernel_libnl_hostpool_t *this, host_t *host)
{
	shared_t *shared;
	int i;

	shared = this->shared->get(this->shared, host);
	if (shared && --shared->refs == 0)
	{
		for (i = 0; i < RECENT; i++)
		{
			if (this->recent[i] == shared)
			{
				memmove(&this->recent[i], &this->recent[i + 1],
						(RECENT - 1 - i) * sizeof(shared_t*));
				this->recent[RECENT - 1] = NULL;
				break;
			}
		}
		this->shared->remove(this->shared, host);
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
	this->shared->destroy(this->shared);
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
		.shared = hashtable_create((hashtable_hash_t)ptr_hash,
								   (hashtable_equals_t)hashtable_equals_ptr,
								   32),
	);
	return &this->public;
}
