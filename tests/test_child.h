// A test helper for readers that must never block (FIFOs): run the read in a child
// process with an alarm. Catch2 tests only (uses REQUIRE).
#pragma once
#include <catch2/catch.hpp>

#include <cstdio>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

// Runs f in a child process under a 10 s alarm, so that a hang fails the test instead of
// stopping it: 0 = f returned true, 1 = false, 128 + signal otherwise (142: SIGALRM, a hang).
template <typename F>
int in_child_with_alarm(F f) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        alarm(10);
        _exit(f() ? 0 : 1);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
