/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - the one UTF-8 check of the daemon, shared by the config's text
 * guards (config_yaml.c) and the JSON string writer (http_json.c).
 *
 * What it is not: a decoder or a converter; it only measures.
 */
#ifndef MLCD_UTF8_H
#define MLCD_UTF8_H

#include <stddef.h>

/*
 * Length (1-4) of the valid UTF-8 sequence at s, which has left bytes, or 0
 * when it is invalid: a stray continuation byte, an overlong form, a UTF-16
 * surrogate, past U+10FFFF, or cut short. A NUL-terminated string may pass
 * 4 for left: a NUL is no continuation byte, so a sequence ends there.
 */
size_t mlcd_utf8_len(const unsigned char *s, size_t left);

#endif
