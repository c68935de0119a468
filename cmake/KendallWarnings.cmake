# Warnings on every Kendall target; -Werror when KENDALL_WERROR is on (CI), sanitizers on request.
function(kendall_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(KENDALL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(KENDALL_SANITIZE)
    # GCC 12's -Wmaybe-uninitialized misfires on Boost.Beast's parser (boost::optional) when
    # ASan instrumentation changes inlining; the release build keeps the warning as an error.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

if(KENDALL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
