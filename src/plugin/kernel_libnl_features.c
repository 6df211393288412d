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

#include "kernel_libnl_features.h"
#include "kernel_libnl_xattr.h"
#include "kernel_libnl_selector.h"

#include <errno.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/xfrm.h>

#include <daemon.h>

/** SPI range for the probe, outside anything charon allocates */
#define PROBE_SPI_MIN 0x0000f000
#define PROBE_SPI_MAX 0x0000ffff

/*
 * Described in header
 */
uint8_t kernel_libnl_features_sa_dir(struct nlmsghdr *hdr)
{
	struct nlattr *attr;
	int rem;

	if (hdr->nlmsg_type != XFRM_MSG_NEWSA ||
		hdr->nlmsg_len < NLMSG_LENGTH(sizeof(struct xfrm_usersa_info)))
	{
		return 0;
	}
	nlmsg_for_each_attr(attr, hdr, sizeof(struct xfrm_usersa_info), rem)
	{
		if (nla_type(attr) == KL_XFRMA_SA_DIR && nla_len(attr) >= 1)
		{
			return nla_get_u8(attr);
		}
	}
	return 0;
}

/**
 * Result of the ALLOCSPI probe
 */
typedef struct {
	uint32_t spi;
	uint8_t dir;
} probe_spi_t;

CALLBACK(probe_spi_cb, void,
	probe_spi_t *probe, struct nlmsghdr *hdr)
{
	struct xfrm_usersa_info *info;

	if (hdr->nlmsg_type == XFRM_MSG_NEWSA &&
		hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(*info)))
	{
		info = nlmsg_data(hdr);
		probe->spi = info->id.spi;
		probe->dir = kernel_libnl_features_sa_dir(hdr);
	}
}

/**
 * Probe XFRMA_SA_DIR with an allocated SPI that is deleted again
 */
static bool probe_sa_dir(kernel_libnl_socket_t *socket)
{
	probe_spi_t probe = {};
	struct xfrm_usersa_id id = {
		.family = AF_INET,
		.proto = IPPROTO_ESP,
	};
	host_t *host;
	struct nl_msg *msg;

	host = host_create_from_string("127.0.0.1", 0);
	msg = kernel_libnl_xattr_sa_allocspi(host, host, IPPROTO_ESP,
										 PROBE_SPI_MIN, PROBE_SPI_MAX, TRUE);
	if (msg)
	{
		socket->request(socket, msg, probe_spi_cb, &probe, NULL);
	}
	if (probe.spi)
	{
		kernel_libnl_host2xfrm(host, &id.daddr);
		id.spi = probe.spi;
		msg = kernel_libnl_msg_alloc(XFRM_MSG_DELSA, 0, &id, sizeof(id));
		if (msg)
		{
			socket->request(socket, msg, NULL, NULL, NULL);
		}
	}
	host->destroy(host);
	return probe.dir == KL_XFRM_SA_DIR_IN;
}

/**
 * Probe XFRM_MSG_MIGRATE with an empty request
 */
static bool probe_migrate(kernel_libnl_socket_t *socket)
{
	struct xfrm_selector sel = {
		.family = AF_INET,
	};
	kernel_libnl_error_t err;
	struct nl_msg *msg;

	msg = kernel_libnl_xattr_sa_migrate(&sel, XFRM_POLICY_OUT, NULL);
	if (!msg)
	{
		return FALSE;
	}
	socket->request(socket, msg, NULL, NULL, &err);
	/* without CONFIG_XFRM_MIGRATE xfrm_user answers ENOPROTOOPT, with it
	 * EINVAL (no XFRMA_MIGRATE) */
	return err.error != ENOPROTOOPT && err.error != EOPNOTSUPP;
}

/**
 * Check the kernel version for the last-use time (no probe without traffic)
 */
static bool check_lastused_version()
{
	struct utsname uts;
	int a, b;

	return uname(&uts) == 0 &&
		   sscanf(uts.release, "%d.%d", &a, &b) == 2 &&
		   (a > 6 || (a == 6 && b >= 2));
}

/*
 * Described in header
 */
kernel_libnl_feature_t kernel_libnl_features_probe(kernel_libnl_socket_t *socket)
{
	kernel_libnl_feature_t features = 0;

	if (probe_sa_dir(socket))
	{
		features |= KL_FEATURE_SA_DIR | KL_FEATURE_SA_LASTUSED;
	}
	else if (check_lastused_version())
	{
		features |= KL_FEATURE_SA_LASTUSED;
	}
	if (probe_migrate(socket))
	{
		features |= KL_FEATURE_MIGRATE;
	}
	DBG2(DBG_KNL, "kernel-libnl: kernel features: SA direction %s, SA last "
		 "use time %s, MIGRATE %s",
		 features & KL_FEATURE_SA_DIR ? "yes" : "no",
		 features & KL_FEATURE_SA_LASTUSED ? "yes" : "no",
		 features & KL_FEATURE_MIGRATE ? "yes" : "no");
	return features;
}

/**
 * ethtool "esp-hw-offload" feature bit, looked up once
 */
static struct {
	bool probed;
	bool supported;
	u_int bit;
	u_int blocks;
} offload_feature;

/**
 * Find the bit of the "esp-hw-offload" device feature
 */
static void find_offload_feature(int fd, const char *ifname)
{
	struct ethtool_sset_info *info;
	struct ethtool_gstrings *strings;
	struct ifreq ifr = {};
	uint32_t count, i;

	offload_feature.probed = TRUE;
	info = calloc(1, sizeof(*info) + sizeof(uint32_t));
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_FEATURES;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ifr.ifr_data = (void*)info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) ||
		info->sset_mask != 1ULL << ETH_SS_FEATURES)
	{
		free(info);
		return;
	}
	count = info->data[0];
	free(info);

	strings = calloc(1, sizeof(*strings) + count * ETH_GSTRING_LEN);
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_FEATURES;
	strings->len = count;
	ifr.ifr_data = (void*)strings;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
	{
		for (i = 0; i < strings->len && i < count; i++)
		{
			if (strneq((char*)strings->data + i * ETH_GSTRING_LEN,
					   "esp-hw-offload", ETH_GSTRING_LEN))
			{
				offload_feature.supported = TRUE;
				offload_feature.bit = i;
				offload_feature.blocks = (count + 31) / 32;
				break;
			}
		}
	}
	free(strings);
}

/*
 * Described in header
 */
bool kernel_libnl_features_offload(const char *ifname)
{
	struct ethtool_gfeatures *features;
	struct ifreq ifr = {};
	bool supported = FALSE;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
	{
		return FALSE;
	}
	if (!offload_feature.probed)
	{
		find_offload_feature(fd, lib->settings->get_str(lib->settings,
					"%s.plugins.kernel-libnl.hw_offload_feature_interface",
					"lo", lib->ns));
	}
	if (offload_feature.supported)
	{
		features = calloc(1, sizeof(*features) +
						  offload_feature.blocks * sizeof(features->features[0]));
		features->cmd = ETHTOOL_GFEATURES;
		features->size = offload_feature.blocks;
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
		ifr.ifr_data = (void*)features;
		if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		{
			supported = features->features[offload_feature.bit / 32].active &
						(1U << (offload_feature.bit % 32));
		}
		free(features);
	}
	close(fd);
	return supported;
}
