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

#include "kernel_libnl_events.h"

/* placeholder until the events issue lands */

typedef struct private_kernel_libnl_events_t private_kernel_libnl_events_t;

/**
 * Private data of a kernel_libnl_events_t object.
 */
struct private_kernel_libnl_events_t {

	/**
	 * Public interface.
	 */
	kernel_libnl_events_t public;
};

METHOD(kernel_libnl_events_t, destroy, void,
	private_kernel_libnl_events_t *this)
{
	free(this);
}

/*
 * Described in header
 */
kernel_libnl_events_t *kernel_libnl_events_create(kernel_libnl_socket_t *socket,
											kernel_libnl_registry_t *registry)
{
	private_kernel_libnl_events_t *this;

	INIT(this,
		.public = {
			.destroy = _destroy,
		},
	);
	return &this->public;
}
