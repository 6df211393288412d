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
 * @defgroup kernel_libnl_policy_store kernel_libnl_policy_store
 * @{ @ingroup kernel_libnl
 */

#ifndef KERNEL_LIBNL_POLICY_STORE_H_
#define KERNEL_LIBNL_POLICY_STORE_H_

#include <library.h>

#endif /** KERNEL_LIBNL_POLICY_STORE_H_ @}*/
