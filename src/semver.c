/*
 * semver.c: the mreg.semver type (backend glue).
 *
 * Parsing, the sort key and ranges live in the backend-free files
 * semver_parse.c and semver_range.c; this file turns their results into
 * datums and their errors into ereport.
 *
 * On-disk value (a varlena, packable to a 1-byte header):
 *   buildlen   1 byte if < 0x80, else 4 bytes big-endian with the top bit set
 *   build      the build metadata text (no '+'), buildlen bytes
 *   key        the sort key (semver_parse.h) up to the end of the value
 * Comparison, equality and hashing only look at the key, so they are one
 * memcmp / one hash_any pass and never allocate for an in-line value.  "1.2.3"
 * takes 9 bytes on disk (1 header + 1 buildlen + 7 key).
 */
#include "postgres.h"

#include "access/hash.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/hyperloglog.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pathnodes.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/selfuncs.h"
#include "utils/sortsupport.h"

#include "semver_parse.h"
#include "semver_range.h"

/* ---------------------------------------------------------------------
 * datum layout
 * --------------------------------------------------------------------- */

typedef struct SvParts
{
	const uint8_t *key;
	size_t		keylen;
	const char *build;
	size_t		buildlen;
} SvParts;

static inline void
sv_parts(const struct varlena *d, SvParts *p)
{
	const uint8_t *b;
	size_t		total;
	size_t		hdr, bl;

	/* the common case: a short in-line value without build metadata */
	if (likely(VARATT_IS_1B(d) && !VARATT_IS_1B_E(d)))
	{
		b = (const uint8_t *) d + VARHDRSZ_SHORT;
		total = VARSIZE_1B(d) - VARHDRSZ_SHORT;
		if (likely(b[0] == 0))
		{
			p->build = (const char *) b + 1;
			p->buildlen = 0;
			p->key = b + 1;
			p->keylen = total - 1;
			return;
		}
	}
	else
	{
		b = (const uint8_t *) VARDATA_ANY(d);
		total = VARSIZE_ANY_EXHDR(d);
	}

	if (b[0] < 0x80)
	{
		bl = b[0];
		hdr = 1;
	}
	else
	{
		bl = ((size_t) (b[0] & 0x7F) << 24) | ((size_t) b[1] << 16) |
			((size_t) b[2] << 8) | (size_t) b[3];
		hdr = 4;
	}
	p->build = (const char *) b + hdr;
	p->buildlen = bl;
	p->key = b + hdr + bl;
	p->keylen = total - hdr - bl;
}

static struct varlena *
sv_make(const SvVersion *v)
{
	size_t		bound = sv_key_bound(v);
	uint8_t		stackbuf[256];
	uint8_t    *key = bound <= sizeof(stackbuf) ? stackbuf : palloc(bound);
	size_t		keylen = sv_encode_key(v, key);
	size_t		hdr = v->buildlen < 0x80 ? 1 : 4;
	size_t		total;
	struct varlena *res;
	uint8_t    *p;

	if (v->buildlen >= 0x80000000u)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("semver build metadata is too long")));
	total = VARHDRSZ + hdr + v->buildlen + keylen;
	if (total > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("semver value is too long")));
	res = palloc(total);
	SET_VARSIZE(res, total);
	p = (uint8_t *) VARDATA(res);
	if (hdr == 1)
		p[0] = (uint8_t) v->buildlen;
	else
	{
		p[0] = (uint8_t) (0x80 | (v->buildlen >> 24));
		p[1] = (uint8_t) (v->buildlen >> 16);
		p[2] = (uint8_t) (v->buildlen >> 8);
		p[3] = (uint8_t) v->buildlen;
	}
	if (v->buildlen > 0)
		memcpy(p + hdr, v->build, v->buildlen);
	memcpy(p + hdr + v->buildlen, key, keylen);
	if (key != stackbuf)
		pfree(key);
	return res;
}

#define PG_GETARG_SEMVER_P(n)	((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))

static char *
sv_to_cstring(const struct varlena *d)
{
	SvParts		p;
	char	   *out;

	sv_parts(d, &p);
	out = palloc(sv_format_bound(p.keylen, p.buildlen) + 1);
	if (sv_format(p.key, p.keylen, p.build, p.buildlen, out) == (size_t) -1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted semver value")));
	return out;
}

/* ---------------------------------------------------------------------
 * errors
 * --------------------------------------------------------------------- */

/* "what was found" at byte offset off of s[0..len) */
static char *
sv_found(const char *s, size_t len, size_t off)
{
	int			l;

	if (off >= len)
		return pstrdup("end of input");
	l = pg_mblen(s + off);
	if (l == 1 && ((unsigned char) s[off] < 0x20 || s[off] == 0x7F))
		return psprintf("control character 0x%02X", (unsigned char) s[off]);
	if ((size_t) l > len - off)
		l = (int) (len - off);
	return psprintf("\"%.*s\"", l, s + off);
}

static char *
sv_detail(const char *s, size_t len, const SvError *err)
{
	int			charpos = pg_mbstrlen_with_len(s, (int) Min(err->offset, len)) + 1;

	if (err->show_found)
		return psprintf("%s at position %d, found %s.", err->msg, charpos,
						sv_found(s, len, err->offset));
	return psprintf("%s at position %d.", err->msg, charpos);
}

/*
 * The input as an error message quotes it: whole up to SV_ECHO_MAX bytes,
 * else its first SV_ECHO_MAX bytes (whole characters) and "...", so a huge
 * input never makes a huge message.
 */
#define SV_ECHO_MAX 200

static char *
sv_echo(const char *s, size_t len)
{
	if (len <= SV_ECHO_MAX)
		return pnstrdup(s, len);
	return psprintf("%s...", pnstrdup(s, pg_mbcliplen(s, (int) Min(len, SV_ECHO_MAX + 8),
														 SV_ECHO_MAX)));
}

/*
 * Report a version syntax error (soft where the caller allows, PG 16+).
 * Text input is 22P02; binary input (semver_recv) is 22P03.
 */
static void
sv_version_error(Node *escontext, const char *s, size_t len, const SvError *err, bool binary)
{
	char	   *input = sv_echo(s, len);
	char	   *detail = sv_detail(s, len, err);
	int			code = binary ? ERRCODE_INVALID_BINARY_REPRESENTATION : ERRCODE_INVALID_TEXT_REPRESENTATION;

#if PG_VERSION_NUM >= 160000
	errsave(escontext,
			errcode(code),
			binary ? errmsg("invalid binary input for type semver: \"%s\"", input)
			: errmsg("invalid input syntax for type semver: \"%s\"", input),
			errdetail_internal("%s", detail));
#else
	(void) escontext;
	ereport(ERROR,
			(errcode(code),
			 binary ? errmsg("invalid binary input for type semver: \"%s\"", input)
			 : errmsg("invalid input syntax for type semver: \"%s\"", input),
			 errdetail_internal("%s", detail)));
#endif
}

/* A bad range is 22P02; a range past the size limits (semver_range.h) 54000. */
static void
sv_range_error(const char *s, size_t len, const SvError *err)
{
	if (err->too_big)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("semver range is too large: \"%s\"", sv_echo(s, len)),
				 errdetail_internal("%s", sv_detail(s, len, err)),
				 errhint("A range may be at most %d bytes long and expand to at most %d comparators.",
						 SV_RANGE_MAX_LEN, SV_RANGE_MAX_COMPARATORS)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid semver range: \"%s\"", sv_echo(s, len)),
			 errdetail_internal("%s", sv_detail(s, len, err))));
}

static struct varlena *
sv_parse_or_error(const char *s, size_t len, bool lenient, bool binary, Node *escontext)
{
	SvVersion	v;
	SvError		err;

	if (!(lenient ? sv_parse_lenient(s, len, &v, &err) : sv_parse_strict(s, len, &v, &err)))
	{
		sv_version_error(escontext, s, len, &err, binary);
		return NULL;
	}
	return sv_make(&v);
}

/* ---------------------------------------------------------------------
 * I/O
 * --------------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(semver_in);
Datum
semver_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	struct varlena *r = sv_parse_or_error(s, strlen(s), false, false, fcinfo->context);

	if (r == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(r);
}

PG_FUNCTION_INFO_V1(semver_out);
Datum
semver_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(sv_to_cstring(PG_GETARG_SEMVER_P(0)));
}

/* Binary format: a version byte (1) and the text form. */
PG_FUNCTION_INFO_V1(semver_recv);
Datum
semver_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	char	   *s;
	int			nbytes;

	if (buf->cursor >= buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary input for type semver: empty value")));
	version = pq_getmsgint(buf, 1);
	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported semver binary format version %d", version)));
	s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_POINTER(sv_parse_or_error(s, nbytes, false, true, NULL));
}

PG_FUNCTION_INFO_V1(semver_send);
Datum
semver_send(PG_FUNCTION_ARGS)
{
	char	   *s = sv_to_cstring(PG_GETARG_SEMVER_P(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, 1);
	pq_sendtext(&buf, s, strlen(s));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(semver_from_text);
Datum
semver_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(sv_parse_or_error(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), false, false, NULL));
}

PG_FUNCTION_INFO_V1(semver_to_semver_lenient);
Datum
semver_to_semver_lenient(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(sv_parse_or_error(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), true, false, NULL));
}

PG_FUNCTION_INFO_V1(semver_to_text);
Datum
semver_to_text(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(sv_to_cstring(PG_GETARG_SEMVER_P(0))));
}

/* ---------------------------------------------------------------------
 * comparison: one memcmp over the keys, no allocation for in-line values
 * --------------------------------------------------------------------- */

/*
 * An in-line, uncompressed value (1-byte or 4-byte header) is read where it
 * lies; anything else (a TOAST pointer: VARATT_IS_EXTERNAL, which is a 1-byte
 * header too, or a compressed value) must go through detoasting.
 */
#define SV_IS_PLAIN(p)	(!VARATT_IS_EXTERNAL(p) && !VARATT_IS_COMPRESSED(p))

/*
 * Fast path of the comparison: find the key of an in-line, uncompressed
 * value and read its first eight bytes as a big-endian word, zero-padded.
 * Two keys' words compare like their first eight bytes; when the words are
 * equal and a key is at most eight bytes long, the keys' lengths decide (the
 * shorter one is then a prefix of the other).
 *
 * The key runs to the end of the value, so a key of k < 8 bytes is read as
 * the eight bytes ending at the key's end, shifted left: with k = min(keylen,
 * 8) one load at key + k - 8 serves both cases, without a branch on the key
 * length (a 7-byte release vs a longer prerelease is a data-dependent,
 * unpredictable branch).  That load stays inside the value when the value
 * is at least eight bytes long (header included), which holds for every
 * value except releases like 1.0.0 or 0.0.1 (7 bytes or less); those, values
 * with 128 bytes or more of build metadata, TOAST pointers and compressed
 * values return false and take sv_cmp_general.
 */
static pg_attribute_always_inline bool
sv_fast_key(const struct varlena *d, uint64 *word, const uint8_t **key, size_t *keylen)
{
	const uint8_t *v = (const uint8_t *) d;
	const uint8_t *data;
	size_t		total;
	ptrdiff_t	kl;
	size_t		k;
	uint64		w;

	/* a TOAST pointer (VARATT_IS_1B_E) has VARSIZE_1B 0: total < 8 below */
	if (VARATT_IS_1B(d))
	{
		total = VARSIZE_1B(d);
		data = v + VARHDRSZ_SHORT;
	}
	else if (likely(VARATT_IS_4B_U(d)))
	{
		total = VARSIZE_4B(d);
		data = v + VARHDRSZ;
	}
	else
		return false;
	if (unlikely(total < 8 || data[0] >= 0x80))
		return false;
	/* one buildlen byte (< 0x80), the build metadata, then the key */
	*key = data + 1 + data[0];
	kl = (v + total) - *key;
	if (unlikely(kl < 1))
		return false;
	*keylen = (size_t) kl;
	k = Min((size_t) kl, 8);
	memcpy(&w, *key + k - 8, 8);
	*word = pg_ntoh64(w) << (8 * (8 - k));
	return true;
}

/* compare two in-line, uncompressed values: -1, 0, 1 */
static int
sv_cmp_plain(const struct varlena *a, const struct varlena *b)
{
	SvParts		pa, pb;
	int			r;

	sv_parts(a, &pa);
	sv_parts(b, &pb);
	r = sv_key_cmp(pa.key, pa.keylen, pb.key, pb.keylen);
	return (r > 0) - (r < 0);
}

/* keys whose first eight bytes are equal: the rest (out of line, it is rare) */
static pg_noinline int
sv_cmp_tail(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int			r = sv_key_cmp(a, alen, b, blen);

	return (r > 0) - (r < 0);
}

/* anything off the fast path: detoast (into the current context) if needed */
static pg_noinline int
sv_cmp_general(Datum x, Datum y)
{
	struct varlena *a = (struct varlena *) DatumGetPointer(x);
	struct varlena *b = (struct varlena *) DatumGetPointer(y);
	int			r;

	if (!SV_IS_PLAIN(a))
		a = pg_detoast_datum_packed(a);
	if (!SV_IS_PLAIN(b))
		b = pg_detoast_datum_packed(b);
	r = sv_cmp_plain(a, b);
	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	if ((Pointer) b != DatumGetPointer(y))
		pfree(b);
	return r;
}

/*
 * The fast path of the comparison: false (and *r untouched) when either
 * value is off it (see sv_fast_key).
 */
static pg_attribute_always_inline bool
sv_cmp_fast(Datum x, Datum y, int *r)
{
	uint64		wa, wb;
	const uint8_t *ka, *kb;
	size_t		la, lb;

	if (unlikely(!sv_fast_key((const struct varlena *) DatumGetPointer(x), &wa, &ka, &la) ||
				 !sv_fast_key((const struct varlena *) DatumGetPointer(y), &wb, &kb, &lb)))
		return false;
	if (wa != wb)
		*r = wa < wb ? -1 : 1;
	else if (la <= 8 || lb <= 8)
		*r = (la > lb) - (la < lb);
	else
		*r = sv_cmp_tail(ka + 8, la - 8, kb + 8, lb - 8);
	return true;
}

/* the comparison every operator, cmp and sort support use: -1, 0, 1 */
static pg_attribute_always_inline int
sv_cmp_datums(Datum x, Datum y)
{
	int			r;

	if (likely(sv_cmp_fast(x, y, &r)))
		return r;
	return sv_cmp_general(x, y);
}

#define SV_CMP_FN(name, expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	int			c = sv_cmp_datums(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)); \
	PG_RETURN_BOOL(expr); \
}

SV_CMP_FN(semver_eq, c == 0)
SV_CMP_FN(semver_ne, c != 0)
SV_CMP_FN(semver_lt, c < 0)
SV_CMP_FN(semver_le, c <= 0)
SV_CMP_FN(semver_gt, c > 0)
SV_CMP_FN(semver_ge, c >= 0)

PG_FUNCTION_INFO_V1(semver_cmp);
Datum
semver_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(sv_cmp_datums(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)));
}

/*
 * min/max transition (and combine) functions.  They return one of their
 * arguments as it is, so the aggregate keeps its state without a copy while
 * the state wins (nodeAgg copies only a result pointer that differs from the
 * state), and the first argument on equal precedence.  Off the fast path a
 * TOASTed winner is returned detoasted, as text_larger does, so the state
 * never stays a TOAST pointer that each later row would fetch again.
 */
static pg_noinline Datum
sv_pick_general(Datum x, Datum y, bool larger)
{
	struct varlena *a = (struct varlena *) DatumGetPointer(x);
	struct varlena *b = (struct varlena *) DatumGetPointer(y);
	int			r;

	if (!SV_IS_PLAIN(a))
		a = pg_detoast_datum_packed(a);
	if (!SV_IS_PLAIN(b))
		b = pg_detoast_datum_packed(b);
	r = sv_cmp_plain(a, b);
	if (larger ? r >= 0 : r <= 0)
	{
		if ((Pointer) b != DatumGetPointer(y))
			pfree(b);
		return PointerGetDatum(a);
	}
	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	return PointerGetDatum(b);
}

PG_FUNCTION_INFO_V1(semver_smaller);
Datum
semver_smaller(PG_FUNCTION_ARGS)
{
	Datum		a = PG_GETARG_DATUM(0), b = PG_GETARG_DATUM(1);
	int			r;

	if (likely(sv_cmp_fast(a, b, &r)))
		PG_RETURN_DATUM(r <= 0 ? a : b);
	PG_RETURN_DATUM(sv_pick_general(a, b, false));
}

PG_FUNCTION_INFO_V1(semver_larger);
Datum
semver_larger(PG_FUNCTION_ARGS)
{
	Datum		a = PG_GETARG_DATUM(0), b = PG_GETARG_DATUM(1);
	int			r;

	if (likely(sv_cmp_fast(a, b, &r)))
		PG_RETURN_DATUM(r >= 0 ? a : b);
	PG_RETURN_DATUM(sv_pick_general(a, b, true));
}

/* hashes see exactly the bytes equality sees: the whole key */
PG_FUNCTION_INFO_V1(semver_hash);
Datum
semver_hash(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_SEMVER_P(0);
	SvParts		p;
	Datum		h;

	sv_parts(a, &p);
	h = hash_any(p.key, (int) p.keylen);
	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_DATUM(h);
}

PG_FUNCTION_INFO_V1(semver_hash_extended);
Datum
semver_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_SEMVER_P(0);
	SvParts		p;
	Datum		h;

	sv_parts(a, &p);
	h = hash_any_extended(p.key, (int) p.keylen, PG_GETARG_INT64(1));
	PG_FREE_IF_COPY(a, 0);
	PG_RETURN_DATUM(h);
}

/* equal values may differ in build metadata: not an "equal image" type */
PG_FUNCTION_INFO_V1(semver_equalimage);
Datum
semver_equalimage(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(false);
}

/* ---------------------------------------------------------------------
 * sort support with abbreviated keys: sv_key_abbrev packs the numbers and
 * the start of the prerelease into 64 bits (semver_parse.h), so that
 * "1.2.3-rc.4" and "1.2.3-rc.5" differ in their abbreviations.
 * --------------------------------------------------------------------- */

typedef struct SvSortState
{
	int64		input_count;
	bool		estimating;
	hyperLogLogState abbr_card;
} SvSortState;

static int
semver_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	return sv_cmp_datums(x, y);
}

static Datum
semver_abbrev_convert(Datum original, SortSupport ssup)
{
	SvSortState *st = (SvSortState *) ssup->ssup_extra;
	struct varlena *a = (struct varlena *) DatumGetPointer(original);
	SvParts		p;
	uint64		v = 0;
	Datum		res;

	if (!SV_IS_PLAIN(a))
		a = pg_detoast_datum_packed(a);
	sv_parts(a, &p);
	v = sv_key_abbrev(p.key, p.keylen);
	if ((Pointer) a != DatumGetPointer(original))
		pfree(a);

	st->input_count++;
	if (st->estimating)
	{
		uint32		tmp = (uint32) v ^ (uint32) (v >> 32);

		addHyperLogLog(&st->abbr_card, DatumGetUInt32(hash_uint32(tmp)));
	}
#if SIZEOF_DATUM == 8
	res = UInt64GetDatum(v);
#else
	res = UInt32GetDatum((uint32) (v >> 32));
#endif
	return res;
}

static bool
semver_abbrev_abort(int memtupcount, SortSupport ssup)
{
	SvSortState *st = (SvSortState *) ssup->ssup_extra;
	double		card;

	if (memtupcount < 10000 || st->input_count < 10000 || !st->estimating)
		return false;
	card = estimateHyperLogLog(&st->abbr_card);
	if (card > 100000.0)
	{
		st->estimating = false;
		return false;
	}
	/* abort only when nearly all keys share their leading bytes */
	if (card < st->input_count / 10000.0 + 0.5)
		return true;
	return false;
}

#if PG_VERSION_NUM < 150000
static int
ssup_datum_unsigned_cmp(Datum x, Datum y, SortSupport ssup)
{
	return (x > y) - (x < y);
}
#endif

PG_FUNCTION_INFO_V1(semver_sortsupport);
Datum
semver_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = semver_fastcmp;
	if (ssup->abbreviate)
	{
		MemoryContext old = MemoryContextSwitchTo(ssup->ssup_cxt);
		SvSortState *st = palloc0(sizeof(SvSortState));

		st->estimating = true;
		initHyperLogLog(&st->abbr_card, 10);
		MemoryContextSwitchTo(old);
		ssup->ssup_extra = st;
		ssup->abbrev_full_comparator = semver_fastcmp;
		ssup->abbrev_converter = semver_abbrev_convert;
		ssup->abbrev_abort = semver_abbrev_abort;
		ssup->comparator = ssup_datum_unsigned_cmp;
	}
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------
 * accessors
 * --------------------------------------------------------------------- */

static void
sv_numbers(const struct varlena *a, uint64 *M, uint64 *m, uint64 *p)
{
	SvParts		parts;
	size_t		off;
	uint64_t	x, y, z;

	sv_parts(a, &parts);
	if (!sv_key_numbers(parts.key, parts.keylen, &x, &y, &z, &off))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted semver value")));
	*M = x;
	*m = y;
	*p = z;
}

PG_FUNCTION_INFO_V1(semver_major);
Datum
semver_major(PG_FUNCTION_ARGS)
{
	uint64		M, m, p;

	sv_numbers(PG_GETARG_SEMVER_P(0), &M, &m, &p);
	PG_RETURN_INT64((int64) M);
}

PG_FUNCTION_INFO_V1(semver_minor);
Datum
semver_minor(PG_FUNCTION_ARGS)
{
	uint64		M, m, p;

	sv_numbers(PG_GETARG_SEMVER_P(0), &M, &m, &p);
	PG_RETURN_INT64((int64) m);
}

PG_FUNCTION_INFO_V1(semver_patch);
Datum
semver_patch(PG_FUNCTION_ARGS)
{
	uint64		M, m, p;

	sv_numbers(PG_GETARG_SEMVER_P(0), &M, &m, &p);
	PG_RETURN_INT64((int64) p);
}

PG_FUNCTION_INFO_V1(semver_prerelease);
Datum
semver_prerelease(PG_FUNCTION_ARGS)
{
	SvParts		p;
	char	   *out;
	size_t		n;

	sv_parts(PG_GETARG_SEMVER_P(0), &p);
	out = palloc(2 * p.keylen + 1);
	n = sv_format_prerelease(p.key, p.keylen, out);
	if (n == (size_t) -1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupted semver value")));
	if (n == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, (int) n));
}

PG_FUNCTION_INFO_V1(semver_build_metadata);
Datum
semver_build_metadata(PG_FUNCTION_ARGS)
{
	SvParts		p;

	sv_parts(PG_GETARG_SEMVER_P(0), &p);
	if (p.buildlen == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(p.build, (int) p.buildlen));
}

PG_FUNCTION_INFO_V1(semver_is_prerelease);
Datum
semver_is_prerelease(PG_FUNCTION_ARGS)
{
	SvParts		p;

	sv_parts(PG_GETARG_SEMVER_P(0), &p);
	PG_RETURN_BOOL(sv_key_is_prerelease(p.key, p.keylen));
}

PG_FUNCTION_INFO_V1(semver_bump);
Datum
semver_bump(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_SEMVER_P(0);
	text	   *part_t = PG_GETARG_TEXT_PP(1);
	char	   *part = text_to_cstring(part_t);
	SvBumpPart	bp;
	SvParts		p;
	SvVersion	out;
	char	   *prebuf;

	if (strcmp(part, "major") == 0)
		bp = SV_BUMP_MAJOR;
	else if (strcmp(part, "minor") == 0)
		bp = SV_BUMP_MINOR;
	else if (strcmp(part, "patch") == 0)
		bp = SV_BUMP_PATCH;
	else if (strcmp(part, "prerelease") == 0)
		bp = SV_BUMP_PRERELEASE;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid semver part to bump: \"%s\"", sv_echo(part, strlen(part))),
				 errhint("Use one of major, minor, patch, prerelease.")));

	sv_parts(a, &p);
	prebuf = palloc(2 * p.keylen + 8);
	if (!sv_bump(p.key, p.keylen, bp, prebuf, &out))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("semver version number out of range"),
				 errdetail("Bumping the %s part of %s would pass 9223372036854775807.",
						   part, sv_echo(sv_to_cstring(a), strlen(sv_to_cstring(a))))));
	PG_RETURN_POINTER(sv_make(&out));
}

/* ---------------------------------------------------------------------
 * ranges
 * --------------------------------------------------------------------- */

static void *
sv_palloc_cb(void *ctx, size_t size)
{
	return MemoryContextAlloc((MemoryContext) ctx, size);
}

static SvRange *
sv_range_parse_or_error(const char *s, size_t len, MemoryContext cxt)
{
	SvError		err;
	SvRange    *r = sv_range_parse(s, len, sv_palloc_cb, cxt, &err);

	if (r == NULL)
		sv_range_error(s, len, &err);
	return r;
}

/*
 * Parsed-range cache in fn_extra: a scan calling satisfies() with the same
 * range text parses it once.  A different text resets the cache's own
 * memory context, so a join over many ranges does not grow memory.
 */
typedef struct SvRangeCache
{
	MemoryContext cxt;
	char	   *text;
	size_t		len;
	SvRange    *range;
} SvRangeCache;

static SvRange *
sv_range_cached(FunctionCallInfo fcinfo, text *rt)
{
	const char *s = VARDATA_ANY(rt);
	size_t		len = VARSIZE_ANY_EXHDR(rt);
	SvRangeCache *c = (SvRangeCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SvRangeCache));
		c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "mreg semver range cache",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = c;
	}
	if (c->range != NULL && c->len == len && memcmp(c->text, s, len) == 0)
		return c->range;
	MemoryContextReset(c->cxt);
	c->range = NULL;
	c->text = MemoryContextAlloc(c->cxt, len + 1);
	memcpy(c->text, s, len);
	c->len = len;
	c->range = sv_range_parse_or_error(s, len, c->cxt);
	return c->range;
}

PG_FUNCTION_INFO_V1(semver_satisfies);
Datum
semver_satisfies(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_SEMVER_P(0);
	SvRange    *r = sv_range_cached(fcinfo, PG_GETARG_TEXT_PP(1));
	SvParts		p;

	sv_parts(a, &p);
	PG_RETURN_BOOL(sv_range_match(r, p.key, p.keylen));
}

/* text @> semver: the commutator of semver <@ text */
PG_FUNCTION_INFO_V1(semver_range_contains);
Datum
semver_range_contains(PG_FUNCTION_ARGS)
{
	struct varlena *a = PG_GETARG_SEMVER_P(1);
	SvRange    *r = sv_range_cached(fcinfo, PG_GETARG_TEXT_PP(0));
	SvParts		p;

	sv_parts(a, &p);
	PG_RETURN_BOOL(sv_range_match(r, p.key, p.keylen));
}

PG_FUNCTION_INFO_V1(semver_max_satisfying);
Datum
semver_max_satisfying(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	text	   *rt = PG_GETARG_TEXT_PP(1);
	SvRange    *r;
	ArrayIterator it;
	Datum		d;
	bool		isnull;
	Datum		best = (Datum) 0;
	bool		found = false;

	r = sv_range_parse_or_error(VARDATA_ANY(rt), VARSIZE_ANY_EXHDR(rt), CurrentMemoryContext);
	it = array_create_iterator(arr, 0, NULL);
	while (array_iterate(it, &d, &isnull))
	{
		struct varlena *a;
		SvParts		p;

		CHECK_FOR_INTERRUPTS();
		if (isnull)
			continue;
		a = (struct varlena *) PG_DETOAST_DATUM_PACKED(d);
		sv_parts(a, &p);
		/* node-semver keeps the first of equal maxima */
		if (sv_range_match(r, p.key, p.keylen) &&
			(!found || sv_cmp_datums(best, d) < 0))
		{
			best = d;
			found = true;
		}
	}
	array_free_iterator(it);
	if (!found)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(datumCopy(best, false, -1));
}

/*
 * Restriction estimator for <@ and @>: evaluate the operator over the
 * column's most-common values and histogram (generic_restriction_selectivity,
 * PostgreSQL 13+), 1/3 when there are no statistics.
 */
PG_FUNCTION_INFO_V1(semver_satisfies_sel);
Datum
semver_satisfies_sel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	Oid			operator = PG_GETARG_OID(1);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	int			varRelid = PG_GETARG_INT32(3);
	double		sel;

	sel = generic_restriction_selectivity(root, operator, PG_GET_COLLATION(), args,
										  varRelid, 1.0 / 3.0);
	PG_RETURN_FLOAT8(sel);
}
