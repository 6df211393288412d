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

#include "kernel_libnl_msg.h"

#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

/** initial payload room of a request, most fit into it */
#define MSG_INITIAL_SIZE 1024

/*
 * Described in header
 */
struct nl_msg *kernel_libnl_msg_alloc(int type, int flags, const void *hdr,
									  size_t hdrlen)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen) +
						   MSG_INITIAL_SIZE);
	if (!msg)
	{
		return NULL;
	}
	if (!nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0,
				   flags | NLM_F_REQUEST))
	{
		nlmsg_free(msg);
		return NULL;
	}
	if (hdrlen && nlmsg_append(msg, (void*)hdr, hdrlen, NLMSG_ALIGNTO) < 0)
	{
		kernel_libnl_msg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Described in header
 */
bool kernel_libnl_msg_reserve(struct nl_msg **msg, size_t len)
{
	struct nlmsghdr *hdr = nlmsg_hdr(*msg);
	struct nl_msg *bigger;
	size_t max, need;

	max = nlmsg_get_max_size(*msg);
	need = NLMSG_ALIGN(hdr->nlmsg_len) + NLMSG_ALIGN(len);
	if (need <= max)
	{
		return TRUE;
	}
	bigger = nlmsg_alloc_size(max(need, 2 * max));
	if (!bigger)
	{
		return FALSE;
	}
	/* copy header and payload, then let libnl know how much is used */
	memcpy(nlmsg_hdr(bigger), hdr, hdr->nlmsg_len);
	kernel_libnl_msg_free(*msg);
	*msg = bigger;
	return TRUE;
}

/*
 * Described in header
 */
bool kernel_libnl_msg_put(struct nl_msg **msg, int type, size_t len,
						  const void *data)
{
	if (!kernel_libnl_msg_reserve(msg, nla_total_size(len)))
	{
		return FALSE;
	}
	return nla_put(*msg, type, len, data) == 0;
}

/*
 * Described in header
 */
void kernel_libnl_msg_init()
{
	nlmsg_set_default_size(KL_MSG_DEFAULT_SIZE);
}

/*
 * Described in header
 */
void kernel_libnl_msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *hdr;

	if (msg)
	{
		hdr = nlmsg_hdr(msg);
		memwipe(hdr, min(NLMSG_ALIGN(hdr->nlmsg_len),
						 nlmsg_get_max_size(msg)));
		nlmsg_free(msg);
	}
}

/*
 * Described in header
 */
bool kernel_libnl_parse_error(struct nlmsghdr *hdr, size_t len,
							  kernel_libnl_error_t *err)
{
	struct nlmsgerr *e;
	struct nlattr *attr;
	size_t skip;
	int rem;

	*err = (kernel_libnl_error_t){};
	if (len < NLMSG_HDRLEN || hdr->nlmsg_type != NLMSG_ERROR)
	{
		return FALSE;
	}
	if (hdr->nlmsg_len > len ||
		hdr->nlmsg_len < NLMSG_SPACE(sizeof(struct nlmsgerr)))
	{
		err->error = EBADMSG;
		return TRUE;
	}
	e = NLMSG_DATA(hdr);
	err->error = -e->error;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
	{
		return TRUE;
	}
	/* the TLVs follow the request's header, or the whole request unless
	 * NETLINK_CAP_ACK is set (NLM_F_CAPPED) */
	skip = sizeof(*e);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
	{
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
		{
			return TRUE;
		}
		skip += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	if (NLMSG_SPACE(skip) > hdr->nlmsg_len)
	{
		return TRUE;
	}
	rem = hdr->nlmsg_len - NLMSG_SPACE(skip);
	nla_for_each_attr(attr, (struct nlattr*)((char*)e + NLMSG_ALIGN(skip)),
					  rem, rem)
	{
		switch (nla_type(attr))
		{
			case NLMSGERR_ATTR_MSG:
				if (nla_len(attr) > 0)
				{
					/* not necessarily terminated within the attribute */
					snprintf(err->msg, sizeof(err->msg), "%.*s",
							 (int)strnlen(nla_data(attr), nla_len(attr)),
							 (char*)nla_data(attr));
				}
				break;
			case NLMSGERR_ATTR_OFFS:
				if (nla_len(attr) >= sizeof(uint32_t))
				{
					err->offset = nla_get_u32(attr);
				}
				break;
			default:
				break;
		}
	}
	return TRUE;
}

/*
 * Described in header
 */
status_t kernel_libnl_status(int error)
{
	switch (error)
	{
		case 0:
			return SUCCESS;
		case EEXIST:
			return ALREADY_DONE;
		case ESRCH:
		case ENOENT:
			return NOT_FOUND;
		default:
			return FAILED;
	}
}

/*
 * Described in header
 */
char *kernel_libnl_strerror(kernel_libnl_error_t *err, char *buf, size_t len)
{
	if (err->msg[0])
	{
		snprintf(buf, len, "%s (%d): %s", strerror(err->error), err->error,
				 err->msg);
	}
	else
	{
		snprintf(buf, len, "%s (%d)", strerror(err->error), err->error);
	}
	return buf;
}
