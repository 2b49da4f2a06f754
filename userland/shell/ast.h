/* The syntax tree the parser builds and the executor walks.
 *
 *   program  := and-or lists, each run in the foreground or in the
 *               background (&)
 *   and-or   := pipelines joined by && and ||, left to right
 *   pipeline := commands joined by |
 *   command  := a simple command: NAME=value assignments, words and
 *               redirections; or a compound one, with redirections:
 *               if LIST then LIST [elif LIST then LIST]... [else LIST] fi
 *               while|until LIST do LIST done
 *               for NAME [in WORD...] do LIST done
 *               { LIST }
 *
 * Words are raw (quotes kept): they are expanded when the command runs. */
#ifndef USERLAND_SHELL_AST_H_
#define USERLAND_SHELL_AST_H_

#include <stdbool.h>
#include <stddef.h>

#include "userland/shell/util.h"

typedef enum {
  REDIR_IN,     /* fd < word (fd 0 by default) */
  REDIR_OUT,    /* fd > word (fd 1) */
  REDIR_APPEND, /* fd >> word (fd 1) */
  REDIR_DUP,    /* fd >& target, fd <& target: fd becomes a copy of target */
} sh_redir_kind;

typedef struct {
  sh_redir_kind kind;
  int fd;
  char* word; /* NULL for REDIR_DUP */
  int target; /* REDIR_DUP */
} sh_redir;

typedef struct sh_program sh_program;

typedef enum {
  CMD_SIMPLE,
  CMD_IF,    /* conds[i] then bodies[i]; bodies[nclauses] is the else */
  CMD_WHILE, /* conds[0], bodies[0] */
  CMD_UNTIL,
  CMD_FOR,   /* for_name over for_words (or "$@"), bodies[0] */
  CMD_GROUP, /* bodies[0] */
} sh_command_kind;

typedef struct {
  sh_command_kind kind;
  sh_vec assigns; /* raw NAME=value words */
  sh_vec words;   /* raw words: the command name and its arguments */
  sh_redir* redirs;
  size_t nredirs;
  /* compound commands */
  sh_program* conds;
  sh_program* bodies;
  size_t nclauses; /* CMD_IF: if and elif clauses */
  bool has_else;
  char* for_name;
  bool for_has_in; /* without `in`, for runs over the parameters */
  sh_vec for_words;
  char* text; /* compound: its source, to run it in a second shell */
} sh_command;

typedef struct {
  sh_command* cmds;
  size_t ncmds;
  bool negate; /* ! pipeline: status 0 becomes 1, anything else 0 */
} sh_pipeline;

typedef enum { ANDOR_AND, ANDOR_OR } sh_andor_op;

typedef struct {
  sh_pipeline* pipes;
  sh_andor_op* ops; /* ops[i] joins pipes[i] and pipes[i + 1] */
  size_t npipes;
  bool background;
  char* text; /* the source text, for the job table and `sh -c` */
} sh_andor;

struct sh_program {
  sh_andor* items;
  size_t nitems;
};

void sh_program_free(sh_program* program);

#endif /* USERLAND_SHELL_AST_H_ */
