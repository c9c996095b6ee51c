# The schema is compiled at build time; generated code is never committed.
set(EMBERT_SCHEMA ${PROJECT_SOURCE_DIR}/schema/embert.fbs)
set(EMBERT_SCHEMA_GEN_DIR ${CMAKE_BINARY_DIR}/generated)
set(EMBERT_SCHEMA_HEADER ${EMBERT_SCHEMA_GEN_DIR}/schema/embert_generated.h)
# Output directories are made by the command itself (the Makefile generators,
# unlike Ninja, do not create them; flatc happens to, but need not).
add_custom_command(
  OUTPUT ${EMBERT_SCHEMA_HEADER}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${EMBERT_SCHEMA_GEN_DIR}/schema
  COMMAND ${EMBERT_FLATC} --cpp --scoped-enums --gen-mutable -o ${EMBERT_SCHEMA_GEN_DIR}/schema ${EMBERT_SCHEMA}
  DEPENDS ${EMBERT_SCHEMA}
  COMMENT "flatc: schema/embert.fbs"
  VERBATIM)
add_custom_target(embert_schema_gen DEPENDS ${EMBERT_SCHEMA_HEADER})
add_library(embert_schema INTERFACE)
add_dependencies(embert_schema embert_schema_gen)
target_include_directories(embert_schema INTERFACE $<BUILD_INTERFACE:${EMBERT_SCHEMA_GEN_DIR}>)
