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
 * @defgroup kernel_libnl_msg kernel_libnl_msg
 * @{ @ingroup kernel_libnl
 *
 * Netlink message helpers shared by every request: allocation without a fixed
 * size limit, the single wipe-before-free path, and decoding of the kernel's
 * error/ACK messages including the extended ACK text.
 */

#ifndef KERNEL_LIBNL_MSG_H_
#define KERNEL_LIBNL_MSG_H_

#include <library.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

typedef struct kernel_libnl_error_t kernel_libnl_error_t;

/**
 * Result of a netlink request as reported by the kernel.
 */
struct kernel_libnl_error_t {
	/** errno reported by the kernel (positive), 0 on success */
	int error;
	/** extended ACK message (NLMSGERR_ATTR_MSG), empty if none */
	char msg[128];
	/** offset of the offending attribute in the request, 0 if none */
	uint32_t offset;
};

/**
 * Allocate a request message with the given fixed header.
 *
 * The message grows on demand in kernel_libnl_msg_put(), so there is no
 * fixed request size limit.
 *
 * @param type		netlink message type
 * @param flags		netlink flags (NLM_F_REQUEST is added)
 * @param hdr		fixed header to copy into the payload, or NULL
 * @param hdrlen	length of the fixed header
 * @return			message, NULL on allocation failure
 */
struct nl_msg *kernel_libnl_msg_alloc(int type, int flags, const void *hdr,
									  size_t hdrlen);

/**
 * Append an attribute, growing the message if needed.
 *
 * Growing replaces the message by a larger copy; the old buffer is wiped
 * before it is freed, so no copy of key material is left behind (libnl's
 * nlmsg_expand() uses realloc(), which does not wipe).
 *
 * @param msg		message, replaced if it has to grow
 * @param type		attribute type
 * @param len		length of the attribute payload
 * @param data		attribute payload
 * @return			TRUE if appended
 */
bool kernel_libnl_msg_put(struct nl_msg **msg, int type, size_t len,
						  const void *data);

/**
 * Ensure the message has room for len more bytes of payload.
 *
 * @param msg		message, replaced if it has to grow
 * @param len		bytes needed
 * @return			TRUE if there is enough room
 */
bool kernel_libnl_msg_reserve(struct nl_msg **msg, size_t len);

/**
 * Size of the messages libnl's xfrmnl_*_build_*() allocate.  libnl's
 * default is a page, which it zeroes on allocation; with the wipe of the
 * whole buffer on free that was a third of kernel-libnl's user-space
 * instructions per CHILD_SA (callgrind on bench/kbench).  What libnl builds
 * fits: with everything an SA can carry, and ESN bitmaps and labels up to the
 * limits below, it is less than 768 bytes (test_add_libnl_limits).  Larger
 * bitmaps and labels are appended raw, and messages grow on demand
 * (kernel_libnl_msg_reserve()).  Just under 1 KiB: libnl callocs the buffer,
 * glibc's calloc() bypasses its per-thread cache, and a chunk of 1 KiB or
 * more is a large-bin request, which first consolidates the fast bins (once
 * per request, all of malloc_consolidate()'s calls in a kbench profile).
 */
#define KL_MSG_DEFAULT_SIZE 1000

/**
 * Largest ESN bitmap (in u32) put into a libnl object, see KL_MSG_DEFAULT_SIZE
 */
#define KL_LIBNL_MAX_BMP_LEN 32

/**
 * Largest security label (bytes) put into a libnl object, see
 * KL_MSG_DEFAULT_SIZE
 */
#define KL_LIBNL_MAX_LABEL 256

/**
 * Set libnl's default message size to KL_MSG_DEFAULT_SIZE (process-wide;
 * charon has no other libnl user).
 */
void kernel_libnl_msg_init();

/**
 * Wipe and free a message.  This is the only way messages are freed in
 * kernel-libnl, as any of them may carry key material.  Wipes what was
 * written (libnl and kernel_libnl_msg_put() write only below nlmsg_len, the
 * rest is still zero from the allocation).
 *
 * @param msg		message to free, may be NULL
 */
void kernel_libnl_msg_free(struct nl_msg *msg);

/**
 * Parse an NLMSG_ERROR message (an ACK if the error is 0), including the
 * extended ACK TLVs (NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS).
 *
 * Every length is checked; a truncated message yields EBADMSG.
 *
 * @param hdr		message of type NLMSG_ERROR
 * @param len		bytes available at hdr
 * @param err		receives the result
 * @return			FALSE if hdr is not an NLMSG_ERROR message
 */
bool kernel_libnl_parse_error(struct nlmsghdr *hdr, size_t len,
							  kernel_libnl_error_t *err);

/**
 * Map a kernel errno to a status as kernel-netlink does: EEXIST is
 * ALREADY_DONE, ESRCH/ENOENT is NOT_FOUND, everything else FAILED.
 *
 * @param error		errno (positive), 0 for SUCCESS
 * @return			status
 */
status_t kernel_libnl_status(int error);

/**
 * Describe an error for the log: "strerror (errno)[: ext-ack text]".
 *
 * @param err		error to describe
 * @param buf		buffer to write to
 * @param len		size of buf
 * @return			buf
 */
char *kernel_libnl_strerror(kernel_libnl_error_t *err, char *buf, size_t len);

#endif /** KERNEL_LIBNL_MSG_H_ @}*/
