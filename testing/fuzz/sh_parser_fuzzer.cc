// libFuzzer target: the shell's lexer, parser and (non-globbing)
// expansion on arbitrary text. They must never crash or leak, and what the
// parser accepts must be a well-formed tree: every and-or list has its
// pipelines and the operators between them, every command has something
// in it, every file redirection its word, every list its source text,
// every compound command its parts; a rejected input has a message.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <string>

extern "C" {
#include "userland/shell/expand.h"
#include "userland/shell/lexer.h"
#include "userland/shell/parser.h"
}

namespace {

void require(bool condition) {
  if (!condition) abort();
}

void check_tokens(const char* source, size_t size) {
  sh_tokens tokens;
  sh_error error;
  if (sh_lex(source, &tokens, &error) == 0) {
    require(tokens.len > 0 && tokens.items[tokens.len - 1].kind == TOK_EOF);
    size_t last_end = 0;
    for (size_t i = 0; i < tokens.len; i++) {
      const sh_token& t = tokens.items[i];
      require(t.start >= last_end && t.start <= t.end && t.end <= size);
      require((t.kind == TOK_WORD) == (t.text != nullptr));
      last_end = t.end;
    }
  } else {
    require(error.message[0] != '\0' && error.offset <= size);
  }
  sh_tokens_free(&tokens);
}

void expand_all(const sh_vec& words) {
  for (size_t i = 0; i < words.len; i++) free(sh_expand_string(words.items[i]));
}

void check_program(const sh_program& p);

// A compound command: its parts are there and well-formed in turn.
void check_compound(const sh_command& c) {
  require(c.text != nullptr && c.words.len == 0 && c.assigns.len == 0);
  switch (c.kind) {
    case CMD_IF:
      require(c.nclauses >= 1);
      for (size_t i = 0; i < c.nclauses; i++) {
        require(c.conds[i].nitems > 0 && c.bodies[i].nitems > 0);
        check_program(c.conds[i]);
        check_program(c.bodies[i]);
      }
      if (c.has_else) check_program(c.bodies[c.nclauses]);
      break;
    case CMD_WHILE:
    case CMD_UNTIL:
      require(c.conds[0].nitems > 0);
      check_program(c.conds[0]);
      [[fallthrough]];
    case CMD_FOR:
    case CMD_GROUP:
      require(c.bodies[0].nitems > 0);
      check_program(c.bodies[0]);
      require((c.kind == CMD_FOR) == (c.for_name != nullptr));
      expand_all(c.for_words);
      break;
    case CMD_SIMPLE:
      abort();
  }
}

void check_program(const sh_program& p) {
  for (size_t i = 0; i < p.nitems; i++) {
    const sh_andor& a = p.items[i];
    require(a.npipes >= 1 && a.text != nullptr);
    require(a.npipes == 1 || a.ops != nullptr);
    for (size_t j = 0; j < a.npipes; j++) {
      require(a.pipes[j].ncmds >= 1);
      for (size_t k = 0; k < a.pipes[j].ncmds; k++) {
        const sh_command& c = a.pipes[j].cmds[k];
        if (c.kind == CMD_SIMPLE)
          require(c.assigns.len + c.words.len + c.nredirs > 0);
        else
          check_compound(c);
        for (size_t r = 0; r < c.nredirs; r++) {
          require((c.redirs[r].kind == REDIR_DUP) == (c.redirs[r].word == nullptr));
          require(c.redirs[r].fd >= 0);
          if (c.redirs[r].word) free(sh_expand_string(c.redirs[r].word));
        }
        expand_all(c.assigns);
        expand_all(c.words);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The shell reads text: a NUL ends it, as it ends a C string.
  std::string source(reinterpret_cast<const char*>(data), size);
  source.resize(strlen(source.c_str()));
  check_tokens(source.c_str(), source.size());
  sh_program program;
  sh_error error;
  if (sh_parse(source.c_str(), &program, &error) == 0) {
    check_program(program);
  } else {
    require(error.message[0] != '\0');
    require(program.nitems == 0 && program.items == nullptr);
  }
  sh_program_free(&program);
  return 0;
}
