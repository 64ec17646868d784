/*
 * lineage_parse.h: backend-free core of the mreg.lineage type.
 *
 * Everything declared here is plain C99 (no postgres.h, no palloc, no
 * ereport) so that the libFuzzer harness links it standalone.  Memory comes
 * from a caller-supplied allocator (LinMem); errors come back as a status
 * code plus a byte position and a message (LinError), which the backend glue
 * (lineage.c) turns into ereport().
 *
 * Node text:   [project/]kind:name
 *   project    bare [A-Za-z0-9_.-]+ or "double quoted" ("" is a quote)
 *   kind       [a-z][a-z0-9_]*
 *   name       bare (no white space, control characters, ';', '"' or "->")
 *              or "double quoted" ("" is a quote); never empty
 * Graph text:  statements separated by ';'; a statement is a lone node or a
 *              chain  a -> b [-> c ...]; white space is insignificant; empty
 *              statements are ignored, so '' is the empty graph.
 *
 * Binary body (what follows the varlena header; all fields uint32, so the
 * value needs 4-byte alignment only):
 *   nnodes, nedges, poolsize, version
 *   noff[nnodes + 1]     node i's canonical text is pool[noff[i] .. noff[i+1])
 *   ostart[nnodes + 1]   CSR: node i's successors are odst[ostart[i] .. ostart[i+1])
 *   odst[nedges]
 *   pool[poolsize]       canonical node texts, concatenated, in node order
 * Nodes are sorted by canonical text (memcmp order, shorter first on a tie),
 * each node's successors ascending and unique, the graph acyclic.  The
 * representation is canonical: two equal graphs have identical bodies.
 */
#ifndef MREG_LINEAGE_PARSE_H
#define MREG_LINEAGE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "lex.h"

#define LIN_FORMAT_VERSION 1
#define LIN_HEADER_WORDS 4

/* The largest body we produce; a varlena cannot exceed 1 GB. */
#define LIN_MAX_BODY ((size_t) 0x3FFFFF00)

/*
 * Limits checked whenever a value is built (doc/lineage.md, "Limits").
 * LIN_MAX_NODE: bytes of canonical text of one node; it is also the longest
 * exact GIN key, so every node built under the limit has an exact key.
 * LIN_MAX_TEXT: bytes of the canonical text form of a whole value.  Far
 * below 1 GB so that what can be stored can also be printed and dumped: the
 * text may grow 4x in a client-encoding conversion and 2x more in COPY's
 * escaping, and pg_dump/psql hold whole rows in memory.
 */
#define LIN_MAX_NODE 1024
#define LIN_MAX_TEXT ((size_t) 64 * 1024 * 1024)

/*
 * GIN keys (lin_gin_key): a key text of at most LIN_GIN_MAXKEY bytes is the
 * key itself (exact); a longer one is its first LIN_GIN_MAXKEY bytes, '#'
 * and 16 hex digits of lin_hash64 of the whole text (lossy).  A family key
 * is LIN_FAMILY_TAG followed by a family text: no canonical node text starts
 * with '@' (it starts with a project character, '"' or a kind letter), so
 * family keys never equal node keys.
 */
#define LIN_GIN_MAXKEY 1024
#define LIN_GIN_KEYBUF (LIN_GIN_MAXKEY + 17)
#define LIN_FAMILY_TAG '@'

/* the allocator the backend-free parsers share (lex.h) */
typedef LxMem LinMem;

typedef enum LinStatus
{
	LIN_OK = 0,
	LIN_ERR_SYNTAX,				/* malformed text: pos and msg set */
	LIN_ERR_CYCLE,				/* the graph has a cycle: detail names it */
	LIN_ERR_NOMEM,				/* allocator returned NULL */
	LIN_ERR_TOOBIG,				/* value would exceed LIN_MAX_BODY */
	LIN_ERR_CORRUPT,			/* a binary body failed validation */
	LIN_ERR_NODELEN,			/* a node longer than LIN_MAX_NODE: pos set (or LIN_NOPOS) */
	LIN_ERR_INVALID				/* an invalid argument: msg, maybe detail */
} LinStatus;

#define LIN_NOPOS ((size_t) -1)

typedef struct LinError
{
	LinStatus	status;
	size_t		pos;			/* byte offset into the input (syntax errors) */
	char		msg[200];		/* what is wrong */
	char		hint[120];		/* optional hint, "" when none */
	char	   *detail;			/* cycle text "a -> b -> a", from LinMem; or NULL */
} LinError;

/* A read-only view of a binary body. */
typedef struct LinView
{
	uint32_t	nnodes;
	uint32_t	nedges;
	uint32_t	poolsize;
	const uint32_t *noff;
	const uint32_t *ostart;
	const uint32_t *odst;
	const char *pool;
} LinView;

/* Parts of a canonical node text (ranges into it; name and project raw, maybe quoted). */
typedef struct LinNodeParts
{
	size_t		proj_off, proj_len;	/* proj_len 0: no project */
	size_t		kind_off, kind_len;
	size_t		name_off, name_len;
	int			name_quoted;
	int			proj_quoted;
} LinNodeParts;

/*
 * Builder: collects node texts (already canonical) and edges between them,
 * then sorts, checks acyclicity and writes a body.  Nodes and edges are
 * deduplicated as they arrive (hash tables over the interned node texts and
 * over the edge pairs), so its memory follows the number of distinct nodes
 * and edges, not the number of additions.  A builder can be finished any
 * number of times (lin_build does not change it).
 */
typedef struct LinBuilder
{
	LinMem	   *mem;
	char	   *pool;
	size_t		poolsize, poolcap;
	uint32_t   *occ_off;		/* per distinct node: offset into pool */
	uint32_t   *occ_len;
	size_t		nocc, occcap;
	uint32_t   *edges;			/* distinct pairs of node ids */
	size_t		nedges, edgecap;
	uint64_t   *nhash;			/* open addressing: hash << 32 | node id + 1, 0 empty */
	size_t		nhashcap;		/* a power of two, or 0 */
	uint64_t   *ehash;			/* open addressing: src << 32 | dst, UINT64_MAX empty */
	size_t		ehashcap;
} LinBuilder;

/* ---- nodes ---------------------------------------------------------- */

/*
 * Parse exactly one node (surrounding white space allowed) from s[0..len)
 * and write its canonical text to *out (allocated from mem, NUL-terminated,
 * length *outlen).  Returns LIN_OK or an error.
 */
LinStatus	lin_canon_node(const char *s, size_t len, LinMem *mem,
						   char **out, size_t *outlen, LinError *err);

/* Split a canonical node text into parts; returns 0 if it is not one. */
int			lin_node_parts(const char *s, size_t len, LinNodeParts *parts);

/*
 * Unquote a quoted name or project (including its quotes) into dst, which
 * must hold len bytes; returns the unquoted length.  Bare text is copied.
 */
size_t		lin_unquote(const char *s, size_t len, char *dst);

/* ---- builder -------------------------------------------------------- */

void		lin_builder_init(LinBuilder *b, LinMem *mem);
void		lin_builder_free(LinBuilder *b);
/* add a canonical node text; returns its id in *id (the same id for the same text) */
LinStatus	lin_builder_node(LinBuilder *b, const char *canon, size_t len, uint32_t *id, LinError *err);
LinStatus	lin_builder_edge(LinBuilder *b, uint32_t src, uint32_t dst, LinError *err);
/* add every node and edge of a body */
LinStatus	lin_builder_view(LinBuilder *b, const LinView *v, LinError *err);

/*
 * Build the body.  The result is allocated from the builder's LinMem with
 * `prefix` spare bytes in front of the body (room for a varlena header), so
 * *out points at the allocation and the body starts at *out + prefix;
 * *outlen is prefix + body size.
 */
LinStatus	lin_build(const LinBuilder *b, size_t prefix, char **out, size_t *outlen, LinError *err);

/* ---- graph text ------------------------------------------------------ */

/* Parse graph text s[0..len) into a body (see lin_build for prefix/out). */
LinStatus	lin_parse(const char *s, size_t len, LinMem *mem, size_t prefix,
					  char **out, size_t *outlen, LinError *err);

/*
 * Canonical text of a body, NUL-terminated, allocated from mem with `prefix`
 * spare bytes in front; *outlen = prefix + text length (without the NUL).
 */
LinStatus	lin_text(const LinView *v, LinMem *mem, size_t prefix, char **out, size_t *outlen, LinError *err);

/* ---- bodies ---------------------------------------------------------- */

/*
 * Make a view of a body of len bytes.  With validate, check every invariant
 * (bounds, sorting, uniqueness, canonical node texts, acyclicity; needs mem
 * for the acyclicity check); without, only the header and sizes.
 */
LinStatus	lin_view(const void *body, size_t len, LinView *v, int validate, LinMem *mem, LinError *err);

static inline const char *
lin_node(const LinView *v, uint32_t i, size_t *len)
{
	*len = v->noff[i + 1] - v->noff[i];
	return v->pool + v->noff[i];
}

/* Index of the node with canonical text s, or -1. */
int64_t		lin_find(const LinView *v, const char *s, size_t len);

/* Is dst a successor of src (both node indexes of v)? */
int			lin_has_edge(const LinView *v, uint32_t src, uint32_t dst);

/* a @> b: every node and every edge of b is in a */
int			lin_contains(const LinView *a, const LinView *b);

/* a && b: a node in common */
int			lin_overlaps(const LinView *a, const LinView *b);

/* total order consistent with equality: nodes lexicographically, then edges */
int			lin_compare(const LinView *a, const LinView *b);

/*
 * The subgraph induced by node `start` and all its ancestors (upstream) or
 * descendants (!upstream), as a new body (prefix/out as lin_build).
 */
LinStatus	lin_reach(const LinView *v, uint32_t start, int upstream, LinMem *mem,
					  size_t prefix, char **out, size_t *outlen, LinError *err);

/* Byte compare of two node texts: memcmp, shorter first on a common prefix. */
int			lin_textcmp(const char *a, size_t alen, const char *b, size_t blen);

/* 64-bit FNV-1a, for GIN keys of very long nodes. */
uint64_t	lin_hash64(const char *s, size_t len);

/*
 * The GIN key of s[0..len) (a node text; with family, the family key of the
 * family text s), written to dst, which holds LIN_GIN_KEYBUF bytes (no NUL).
 * Returns the key's length; a key longer than LIN_GIN_MAXKEY is lossy.
 */
size_t		lin_gin_key(const char *s, size_t len, int family, char *dst);

/* the length lin_gin_key will return for s of len bytes */
static inline size_t
lin_gin_key_len(size_t len, int family)
{
	size_t		n = len + (family ? 1 : 0);

	return n <= LIN_GIN_MAXKEY ? n : LIN_GIN_KEYBUF;
}

/* ---- families, distances, renaming ------------------------------------ */

/*
 * The family of a canonical node text: when its unquoted name contains '@',
 * the same project and kind with the name up to its last '@', canonically
 * quoted (fraud/model:m5@1.0.0 -> fraud/model:m5).  *out is NULL (and
 * LIN_OK returned) when the node has no family (no '@', or nothing before it).
 */
LinStatus	lin_node_family(const char *node, size_t len, LinMem *mem,
							char **out, size_t *outlen, LinError *err);

/* Does some node of v equal the canonical node text q or have family q? */
LinStatus	lin_has_family(const LinView *v, const char *q, size_t qlen, LinMem *mem,
						   int *found, LinError *err);

/* Edges on a shortest path src -> dst (node indexes), or -1 when none. */
LinStatus	lin_distance(const LinView *v, uint32_t src, uint32_t dst, LinMem *mem,
						 int64_t *dist, LinError *err);

/*
 * The same graph with the prefix "project/" removed from the nodes of that
 * project (project given unquoted), as a new body (prefix/out as lin_build).
 * Two nodes that would become one: LIN_ERR_INVALID, detail naming both.
 */
LinStatus	lin_relative(const LinView *v, const char *project, size_t projlen, LinMem *mem,
						 size_t prefix, char **out, size_t *outlen, LinError *err);

#endif							/* MREG_LINEAGE_PARSE_H */
