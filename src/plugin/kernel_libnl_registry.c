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

#include "kernel_libnl_registry.h"
#include "kernel_libnl_hostpool.h"

#include <threading/mutex.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>

typedef struct private_kernel_libnl_registry_t private_kernel_libnl_registry_t;

/**
 * Private data of a kernel_libnl_registry_t object.
 */
struct private_kernel_libnl_registry_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_registry_t public;

	/**
	 * Records, kernel_libnl_sa_record_t (key and value)
	 */
	hashtable_t *sas;

	/**
	 * Destination addresses of the records, shared between them (the
	 * inbound SAs of all CHILD_SAs go to the same local address)
	 */
	kernel_libnl_hostpool_t *hosts;

	/**
	 * Protects sas
	 */
	mutex_t *mutex;
};

/**
 * Hash a record by what identifies an SA in the kernel
 */
static u_int hash_record(kernel_libnl_sa_record_t *r)
{
	chunk_t addr = r->dst->get_address(r->dst);
	/* what equals_record() compares, for a single SipHash run */
	struct __attribute__((packed)) {
		u_char addr[16];
		uint32_t spi;
		uint8_t proto;
	} buf = {
		.spi = r->spi,
		.proto = r->proto,
	};

	memcpy(buf.addr, addr.ptr, min(addr.len, sizeof(buf.addr)));
	return chunk_hash(chunk_from_thing(buf));
}

/**
 * Compare records by what identifies an SA in the kernel
 */
static bool equals_record(kernel_libnl_sa_record_t *a,
						  kernel_libnl_sa_record_t *b)
{
	return a->proto == b->proto && a->spi == b->spi &&
		   a->dst->ip_equals(a->dst, b->dst);
}

/**
 * Destroy a copy of a record
 */
static void record_destroy(kernel_libnl_sa_record_t *r)
{
	r->dst->destroy(r->dst);
	free(r);
}

/**
 * Destroy a stored record, mutex locked
 */
static void stored_record_destroy(private_kernel_libnl_registry_t *this,
								  kernel_libnl_sa_record_t *r)
{
	this->hosts->put(this->hosts, r->dst);
	free(r);
}

/**
 * Copy a record
 */
static kernel_libnl_sa_record_t *record_clone(kernel_libnl_sa_record_t *r)
{
	kernel_libnl_sa_record_t *clone;

	clone = malloc_thing(kernel_libnl_sa_record_t);
	*clone = *r;
	clone->dst = r->dst->clone(r->dst);
	return clone;
}

METHOD(kernel_libnl_registry_t, add, void,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst, mark_t mark)
{
	kernel_libnl_sa_record_t *r, *old;

	INIT(r,
		.proto = proto,
		.spi = spi,
		.mark = mark,
	);
	this->mutex->lock(this->mutex);
	r->dst = this->hosts->get(this->hosts, dst);
	old = this->sas->put(this->sas, r, r);
	if (old)
	{
		stored_record_destroy(this, old);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(kernel_libnl_registry_t, remove_, void,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst)
{
	kernel_libnl_sa_record_t key = {
		.proto = proto,
		.spi = spi,
		.dst = dst,
	}, *r;

	this->mutex->lock(this->mutex);
	r = this->sas->remove(this->sas, &key);
	if (r)
	{
		stored_record_destroy(this, r);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(kernel_libnl_registry_t, update, void,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst, host_t *new_dst)
{
	kernel_libnl_sa_record_t key = {
		.proto = proto,
		.spi = spi,
		.dst = dst,
	}, *r;

	this->mutex->lock(this->mutex);
	r = this->sas->remove(this->sas, &key);
	if (r)
	{	/* the key changes, so re-insert */
		this->hosts->put(this->hosts, r->dst);
		r->dst = this->hosts->get(this->hosts, new_dst);
		r = this->sas->put(this->sas, r, r);
		if (r)
		{
			stored_record_destroy(this, r);
		}
	}
	this->mutex->unlock(this->mutex);
}

METHOD(kernel_libnl_registry_t, expired, bool,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst, bool hard)
{
	kernel_libnl_sa_record_t key = {
		.proto = proto,
		.spi = spi,
		.dst = dst,
	}, *r;
	bool first = TRUE;

	this->mutex->lock(this->mutex);
	r = this->sas->get(this->sas, &key);
	if (r)
	{
		if (hard)
		{
			first = !r->hard_delivered;
			r->hard_delivered = TRUE;
		}
		else
		{
			first = !r->soft_delivered && !r->hard_delivered;
			r->soft_delivered = TRUE;
		}
	}
	this->mutex->unlock(this->mutex);
	return first;
}

/**
 * Destroy a list of record copies
 */
static void destroy_copies(linked_list_t *list)
{
	list->destroy_function(list, (void*)record_destroy);
}

METHOD(kernel_libnl_registry_t, create_enumerator, enumerator_t*,
	private_kernel_libnl_registry_t *this)
{
	kernel_libnl_sa_record_t *r;
	enumerator_t *enumerator;
	linked_list_t *copy;

	copy = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, NULL, &r))
	{
		copy->insert_last(copy, record_clone(r));
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return enumerator_create_cleaner(copy->create_enumerator(copy),
									 (void*)destroy_copies, copy);
}

METHOD(kernel_libnl_registry_t, get_count, u_int,
	private_kernel_libnl_registry_t *this)
{
	u_int count;

	this->mutex->lock(this->mutex);
	count = this->sas->get_count(this->sas);
	this->mutex->unlock(this->mutex);
	return count;
}

METHOD(kernel_libnl_registry_t, destroy, void,
	private_kernel_libnl_registry_t *this)
{
	kernel_libnl_sa_record_t *r;
	enumerator_t *enumerator;

	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, NULL, &r))
	{
		stored_record_destroy(this, r);
	}
	enumerator->destroy(enumerator);
	this->sas->destroy(this->sas);
	this->hosts->destroy(this->hosts);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_registry_t *kernel_libnl_registry_create()
{
	private_kernel_libnl_registry_t *this;

	INIT(this,
		.public = {
			.add = _add,
			.remove = _remove_,
			.update = _update,
			.expired = _expired,
			.create_enumerator = _create_enumerator,
			.get_count = _get_count,
			.destroy = _destroy,
		},
		.sas = hashtable_create((hashtable_hash_t)hash_record,
								(hashtable_equals_t)equals_record, 128),
		.hosts = kernel_libnl_hostpool_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
