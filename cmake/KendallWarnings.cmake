# Warnings on every Kendall target; -Werror when KENDALL_WERROR is on (CI), sanitizers on request.
function(kendall_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(KENDALL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(KENDALL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
