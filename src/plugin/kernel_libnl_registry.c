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

#include <threading/mutex.h>
#include <collections/hashtable.h>
#include <collections/linked_list.h>

typedef struct private_kernel_libnl_registry_t private_kernel_libnl_registry_t;
typedef struct entry_t entry_t;

/**
 * A stored record: the address inline, not a host_t (224 bytes, and an
 * allocation per SA)
 */
struct entry_t {
	/** what identifies an SA in the kernel, hashed and compared as is */
	struct __attribute__((packed)) {
		/** destination address, zero-padded */
		u_char addr[16];
		/** SPI, network order */
		uint32_t spi;
		/** IPPROTO_ESP or IPPROTO_AH */
		uint8_t proto;
		/** address family of addr */
		uint8_t family;
	} id;
	/** port of the destination as given, reported back */
	uint16_t port;
	/** mark of the SA */
	mark_t mark;
	/** a soft expire was delivered to charon */
	bool soft_delivered;
	/** a hard expire was delivered to charon */
	bool hard_delivered;
};

/**
 * Private data of a kernel_libnl_registry_t object.
 */
struct private_kernel_libnl_registry_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_registry_t public;

	/**
	 * Records, entry_t (key and value)
	 */
	hashtable_t *sas;

	/**
	 * Protects sas
	 */
	mutex_t *mutex;
};

/**
 * Fill in what identifies an SA
 */
static void set_id(entry_t *e, uint8_t proto, uint32_t spi, host_t *dst)
{
	chunk_t addr = dst->get_address(dst);

	memset(&e->id, 0, sizeof(e->id));
	memcpy(e->id.addr, addr.ptr, min(addr.len, sizeof(e->id.addr)));
	e->id.spi = spi;
	e->id.proto = proto;
	e->id.family = dst->get_family(dst);
}

/**
 * Hash an entry by what identifies an SA in the kernel
 */
static u_int hash_entry(entry_t *e)
{
	return chunk_hash(chunk_from_thing(e->id));
}

/**
 * Compare entries by what identifies an SA in the kernel
 */
static bool equals_entry(entry_t *a, entry_t *b)
{
	return memeq(&a->id, &b->id, sizeof(a->id));
}

/**
 * Copy of a record as the interface describes it
 */
static kernel_libnl_sa_record_t *entry2record(entry_t *e)
{
	kernel_libnl_sa_record_t *r;
	size_t len = e->id.family == AF_INET ? 4 : 16;

	INIT(r,
		.proto = e->id.proto,
		.spi = e->id.spi,
		.dst = host_create_from_chunk(e->id.family,
									  chunk_create(e->id.addr, len), e->port),
		.mark = e->mark,
		.soft_delivered = e->soft_delivered,
		.hard_delivered = e->hard_delivered,
	);
	return r;
}

/**
 * Destroy a copy of a record
 */
static void record_destroy(kernel_libnl_sa_record_t *r)
{
	DESTROY_IF(r->dst);
	free(r);
}

METHOD(kernel_libnl_registry_t, add, void,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst, mark_t mark)
{
	entry_t *e;

	INIT(e,
		.port = dst->get_port(dst),
		.mark = mark,
	);
	set_id(e, proto, spi, dst);
	this->mutex->lock(this->mutex);
	e = this->sas->put(this->sas, e, e);
	this->mutex->unlock(this->mutex);
	free(e);
}

METHOD(kernel_libnl_registry_t, remove_, void,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst)
{
	entry_t key, *e;

	set_id(&key, proto, spi, dst);
	this->mutex->lock(this->mutex);
	e = this->sas->remove(this->sas, &key);
	this->mutex->unlock(this->mutex);
	free(e);
}

METHOD(kernel_libnl_registry_t, update, void,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst, host_t *new_dst)
{
	entry_t key, *e, *old = NULL;

	set_id(&key, proto, spi, dst);
	this->mutex->lock(this->mutex);
	e = this->sas->remove(this->sas, &key);
	if (e)
	{	/* the key changes, so re-insert */
		set_id(e, proto, spi, new_dst);
		e->port = new_dst->get_port(new_dst);
		old = this->sas->put(this->sas, e, e);
	}
	this->mutex->unlock(this->mutex);
	free(old);
}

METHOD(kernel_libnl_registry_t, expired, bool,
	private_kernel_libnl_registry_t *this, uint8_t proto, uint32_t spi,
	host_t *dst, bool hard)
{
	entry_t key, *r;
	bool first = TRUE;

	set_id(&key, proto, spi, dst);
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
	entry_t *e;
	enumerator_t *enumerator;
	linked_list_t *copy;

	copy = linked_list_create();
	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, NULL, &e))
	{
		copy->insert_last(copy, entry2record(e));
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
	entry_t *e;
	enumerator_t *enumerator;

	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, NULL, &e))
	{
		free(e);
	}
	enumerator->destroy(enumerator);
	this->sas->destroy(this->sas);
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
		.sas = hashtable_create((hashtable_hash_t)hash_entry,
								(hashtable_equals_t)equals_entry, 128),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
