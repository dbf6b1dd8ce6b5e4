// SPDX-License-Identifier: GPL-2.0
/*
 * Native harness: printk, warnings and BUG.
 *
 * Log lines are kept in a small ring so that tests can look for the
 * message a rejection must log; KHO_VERBOSE=1 also prints them.  The
 * kernel's "%pa" (a pointer to a phys_addr_t) is printed as the address.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../shim/kho_shim.h"

#define LOG_LINES	64
#define LOG_LINE_LEN	256

static char log_ring[LOG_LINES][LOG_LINE_LEN];
static unsigned int log_next, log_count;
static unsigned long log_errors, log_warnings;
static int log_verbose = -1;
static bool log_is_quiet;

static bool verbose(void)
{
	if (log_verbose < 0) {
		const char *v = getenv("KHO_VERBOSE");

		log_verbose = v && *v && strcmp(v, "0");
	}
	return log_verbose;
}

void kho_log_reset(void)
{
	log_next = 0;
	log_count = 0;
	log_errors = 0;
	log_warnings = 0;
}

void kho_log_quiet(bool quiet)
{
	log_is_quiet = quiet;
}

unsigned long kho_log_errors(void)
{
	return log_errors;
}

unsigned long kho_log_warnings(void)
{
	return log_warnings;
}

bool kho_log_contains(const char *needle)
{
	unsigned int i;

	for (i = 0; i < log_count; i++)
		if (strstr(log_ring[i], needle))
			return true;
	return false;
}

const char *kho_log_last(void)
{
	if (!log_count)
		return "";
	return log_ring[(log_next + LOG_LINES - 1) % LOG_LINES];
}

/* Append to @buf what one conversion of @spec (without "%") prints. */
static size_t fmt_one(char *buf, size_t room, const char *spec, size_t len,
		      va_list *ap)
{
	char f[32];
	char conv = spec[len - 1];
	int lng = 0;
	size_t i;

	if (len + 2 > sizeof(f))
		return 0;
	f[0] = '%';
	memcpy(f + 1, spec, len);
	f[len + 1] = '\0';
	for (i = 0; i < len; i++) {
		if (spec[i] == 'l')
			lng++;
		else if (spec[i] == 'z' || spec[i] == 't' || spec[i] == 'j')
			lng = 1;
		else if (spec[i] == '*')
			return 0;	/* not used by the code under test */
	}
	switch (conv) {
	case 'd': case 'i':
		if (lng >= 2)
			return snprintf(buf, room, f, va_arg(*ap, long long));
		if (lng)
			return snprintf(buf, room, f, va_arg(*ap, long));
		return snprintf(buf, room, f, va_arg(*ap, int));
	case 'u': case 'x': case 'X': case 'o':
		if (lng >= 2)
			return snprintf(buf, room, f,
					va_arg(*ap, unsigned long long));
		if (lng)
			return snprintf(buf, room, f, va_arg(*ap, unsigned long));
		return snprintf(buf, room, f, va_arg(*ap, unsigned int));
	case 'c':
		return snprintf(buf, room, f, va_arg(*ap, int));
	case 's':
		return snprintf(buf, room, f, va_arg(*ap, const char *));
	case 'p':
		return snprintf(buf, room, f, va_arg(*ap, void *));
	default:
		return 0;
	}
}

/* vsnprintf() that knows "%pa"; always terminates @buf. */
static void kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t pos = 0, n;
	va_list args;

	va_copy(args, ap);
	while (*fmt && pos + 1 < size) {
		const char *spec;
		size_t len;

		if (*fmt != '%') {
			buf[pos++] = *fmt++;
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			buf[pos++] = *fmt++;
			continue;
		}
		spec = fmt;
		while (*fmt && strchr("-+ #0123456789.hlzjt", *fmt))
			fmt++;
		if (!*fmt)
			break;
		len = fmt - spec + 1;
		if (*fmt == 'p' && fmt[1] == 'a') {
			const uint64_t *pa = va_arg(args, const uint64_t *);

			n = snprintf(buf + pos, size - pos, "0x%016llx",
				     (unsigned long long)*pa);
			fmt += 2;
			if (*fmt == 'p' || *fmt == 'd')
				fmt++;
		} else {
			n = fmt_one(buf + pos, size - pos, spec, len, &args);
			fmt++;
		}
		pos += n;
		if (pos >= size)
			pos = size - 1;
	}
	buf[pos] = '\0';
	va_end(args);
}

static void log_line(int level, const char *prefix, const char *fmt,
		     va_list ap)
{
	char *line = log_ring[log_next];
	size_t len, plen = strlen(prefix);

	if (level <= 3)
		log_errors++;
	if (log_is_quiet && !verbose())
		return;
	snprintf(line, LOG_LINE_LEN, "%s", prefix);
	kvsnprintf(line + plen, LOG_LINE_LEN - plen, fmt, ap);
	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	log_next = (log_next + 1) % LOG_LINES;
	if (log_count < LOG_LINES)
		log_count++;
	if (verbose())
		fprintf(stderr, "  <%d> %s\n", level, line);
}

void kho_shim_printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(level, "", fmt, ap);
	va_end(ap);
}

void kho_shim_warn(const char *file, int line, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	log_warnings++;
	snprintf(prefix, sizeof(prefix), "WARNING at %s:%d: ", file, line);
	va_start(ap, fmt);
	log_line(4, prefix, fmt, ap);
	va_end(ap);
}

void kho_shim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "kernel BUG at %s:%d: %s\n", file, line, what);
	abort();
}
