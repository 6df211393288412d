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

#include "tests.h"
#include "fake_socket.h"

/**
 * Whether the reply answers a request of this type
 */
static bool replies_to(fake_socket_t *fake, uint16_t type)
{
	int i;

	if (!fake->reply_to[0])
	{
		return TRUE;
	}
	for (i = 0; i < countof(fake->reply_to) && fake->reply_to[i]; i++)
	{
		if (fake->reply_to[i] == type)
		{
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(kernel_libnl_socket_t, request, status_t,
	fake_socket_t *fake, struct nl_msg *msg, kernel_libnl_reply_cb_t cb,
	void *user, kernel_libnl_error_t *err)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	uint16_t type = hdr->nlmsg_type;
	int error;

	array_insert(fake->sent, ARRAY_TAIL, chunk_clone(
				 chunk_create((u_char*)hdr, hdr->nlmsg_len)).ptr);
	kernel_libnl_msg_free(msg);
	error = fake->errors[0];
	memmove(&fake->errors[0], &fake->errors[1],
			sizeof(fake->errors) - sizeof(fake->errors[0]));
	if (err)
	{
		*err = (kernel_libnl_error_t){ .error = error };
	}
	if (!error && cb && fake->reply && replies_to(fake, type))
	{
		cb(user, fake->reply);
	}
	return kernel_libnl_status(error);
}

METHOD(kernel_libnl_socket_t, destroy, void,
	fake_socket_t *fake)
{
	/* owned by the test, see fake_socket_destroy() */
}

/*
 * Described in header
 */
fake_socket_t *fake_socket_create()
{
	fake_socket_t *fake;

	INIT(fake,
		.public = {
			.request = (void*)_request,
			.destroy = (void*)_destroy,
		},
		.sent = array_create(0, 0),
	);
	return fake;
}

/*
 * Described in header
 */
void fake_socket_reply(fake_socket_t *fake, struct nlmsghdr *hdr)
{
	free(fake->reply);
	fake->reply = (struct nlmsghdr*)chunk_clone(
						chunk_create((u_char*)hdr, hdr->nlmsg_len)).ptr;
}

/*
 * Described in header
 */
void fake_socket_forget(fake_socket_t *fake)
{
	array_destroy_function(fake->sent, (void*)free, NULL);
	fake->sent = array_create(0, 0);
}

/*
 * Described in header
 */
struct nlmsghdr *fake_socket_sent(fake_socket_t *fake, int i)
{
	struct nlmsghdr *hdr = NULL;

	ck_assert(array_get(fake->sent, i, &hdr));
	return hdr;
}

/*
 * Described in header
 */
void fake_socket_destroy(fake_socket_t *fake)
{
	array_destroy_function(fake->sent, (void*)free, NULL);
	free(fake->reply);
	free(fake);
}
