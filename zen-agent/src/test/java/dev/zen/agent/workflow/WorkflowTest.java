package dev.zen.agent.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ServiceUnavailableException;
import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolProgress;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ZenAgent;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step protocol of every workflow tool, through the agent's public API. */
class WorkflowTest {
  final Expert expert = new Expert();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  @TempDir Path dir;

  /** An expert model that records each request and answers as scripted, one word per chunk. */
  static final class Expert implements ModelGateway {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    volatile Function<ChatRequest, CompletableFuture<String>> answer =
        request -> CompletableFuture.completedFuture("The analysis: all good.");

    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      return stream(request, chunk -> { });
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
      requests.add(request);
      return answer.apply(request).thenApply(text -> {
        onChunk.accept(new ChatChunk(0, text));
        return new ChatReply(request.model(), text, new TokenUsage(10, 5), Duration.ofMillis(3), "stop");
      });
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return CompletableFuture.completedFuture(List.of(new ModelInfo("sage")));
    }

    String lastRequestText() {
      StringBuilder text = new StringBuilder();
      for (ChatMessage message : requests.get(requests.size() - 1).messages()) {
        text.append(message.role()).append(": ").append(message.text()).append('\n');
      }
      return text.toString();
    }
  }

  ZenAgent agent() {
    return ZenAgent.builder().gateway(expert).checkpointStore(store)
        .models(ModelRegistry.builder().withoutBundled()
            .add(ModelSpec.builder("sage").contextWindow(200_000).maxOutputTokens(8_000).intelligenceScore(15)
                .categories(ToolCategory.EXTENDED_REASONING, ToolCategory.FAST, ToolCategory.BALANCED).build())
            .build())
        .build();
  }

  static ToolResult call(ZenAgent agent, String tool, Map<String, ?> arguments) {
    return agent.call(ToolCall.of(tool, arguments)).join();
  }

  static Map<String, Object> step(int number, int total, boolean next, String text, String findings) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("step", text);
    step.put("step_number", number);
    step.put("total_steps", total);
    step.put("next_step_required", next);
    step.put("findings", findings);
    return step;
  }

  static Map<String, Object> with(Map<String, Object> base, Map<String, Object> more) {
    Map<String, Object> copy = new HashMap<>(base);
    copy.putAll(more);
    return copy;
  }

  static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
    Map<String, Object> copy = new HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      copy.put((String) pairs[i], pairs[i + 1]);
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  static <T> T get(ToolResult result, String key) {
    return (T) result.structuredContent().get(key);
  }

  @Test
  void an_intermediate_step_answers_at_once_with_required_actions_and_no_model_call() {
    try (ZenAgent agent = agent()) {
      ToolResult first = call(agent, "debug", with(step(1, 3, true, "Login fails after upgrade", "Seen 500s on /login"),
          "relevant_files", List.of("/srv/app/Login.java"), "hypothesis", "session store misconfigured"));

      assertThat(first.isError()).as(first.text()).isFalse();
      assertThat(first.structuredContent()).containsEntry("status", "pause_for_investigation")
          .containsEntry("investigation_required", true).containsEntry("step_number", 1)
          .containsEntry("next_step_required", true).containsKey("continuation_id");
      assertThat((List<String>) get(first, "required_actions")).isNotEmpty();
      assertThat((String) get(first, "next_steps")).startsWith("MANDATORY: DO NOT call the debug tool again immediately")
          .contains("step_number 2");
      Map<String, Object> counters = get(first, "investigation_status");
      assertThat(counters).containsEntry("status", "investigation_in_progress").containsEntry("relevant_files", 1)
          .containsEntry("hypotheses_formed", 1);
      assertThat(first.text()).startsWith("pause_for_investigation: step 1 of 3 recorded.");
      assertThat(expert.requests).isEmpty();
    }
  }

  @Test
  void the_final_step_calls_the_expert_once_with_everything_gathered_including_file_contents() throws Exception {
    Path login = Files.writeString(dir.resolve("Login.java"), "class Login { void login() { session.put(null); } }\n");
    try (ZenAgent agent = agent()) {
      ToolResult first = call(agent, "debug", with(step(1, 2, true, "Login fails after upgrade", "500 on /login"),
          "relevant_files", List.of(login.toString()), "hypothesis", "null session key",
          "issues_found", List.of(Map.of("severity", "high", "description", "null key", "line", 1))));
      String thread = first.continuationId();
      List<ToolProgress> progress = new CopyOnWriteArrayList<>();
      ToolResult last = agent.call(ToolCall.builder("debug").arguments(with(step(2, 2, false, "Confirmed the cause",
          "session.put(null) throws"), "continuation_id", thread, "confidence", "high")).progressListener(progress::add)
          .build()).join();

      assertThat(last.isError()).as(last.text()).isFalse();
      assertThat(last.structuredContent()).containsEntry("status", "investigation_complete")
          .containsEntry("investigation_complete", true).containsEntry("next_step_required", false);
      assertThat((Map<String, Object>) get(last, "expert_analysis")).containsEntry("status", "analysis_complete")
          .containsEntry("format", "text");
      assertThat((Map<String, Object>) get(last, "complete_investigation")).containsEntry("steps_taken", 2);
      assertThat(last.text()).contains("## Expert analysis\nThe analysis: all good.").contains("DEBUG IS COMPLETE");
      assertThat(expert.requests).hasSize(1);
      String request = expert.lastRequestText();
      assertThat(request).contains("Login fails after upgrade").contains("Step 1: Login fails after upgrade\n  Findings: 500 on /login")
          .contains("Findings: session.put(null) throws").contains("- Step 1: null session key")
          .contains("[HIGH] null key (line: 1)").contains("session.put(null); } }").contains("BEGIN FILE: " + login);
      assertThat(progress).extracting(ToolProgress::message).anyMatch(message -> message.startsWith("debug expert"));
    }
  }

  @Test
  void certain_confidence_skips_the_expert_where_the_tool_allows_it_and_analyze_never_skips() throws Exception {
    Path file = Files.writeString(dir.resolve("A.java"), "class A {}\n");
    try (ZenAgent agent = agent()) {
      for (String tool : List.of("debug", "thinkdeep", "secaudit", "testgen")) {
        Map<String, Object> only = with(step(1, 1, false, "Task for " + tool, "found it"), "confidence", "certain",
            "relevant_files", List.of(file.toString()));
        ToolResult result = call(agent, tool, only);
        Map<String, Object> expertAnalysis = get(result, "expert_analysis");
        assertThat(result.structuredContent().get("skip_expert_analysis")).as(tool).isEqualTo(true);
        assertThat((String) expertAnalysis.get("status")).as(tool).startsWith("skipped_due_to_certain");
      }
      assertThat(call(agent, "debug", with(step(1, 1, false, "x", "y"), "confidence", "certain")).structuredContent())
          .containsEntry("status", "certain_confidence_proceed_with_fix");
      assertThat(expert.requests).isEmpty();

      ToolResult analyzed = call(agent, "analyze", with(step(1, 1, false, "Analyse A", "small"), "confidence", "certain",
          "relevant_files", List.of(file.toString())));
      assertThat(analyzed.structuredContent()).containsEntry("status", "analysis_complete");
      assertThat(expert.requests).hasSize(1);
    }
  }

  @Test
  void refactor_skips_on_complete_and_reviews_skip_only_when_internal() throws Exception {
    Path file = Files.writeString(dir.resolve("B.java"), "class B {}\n");
    try (ZenAgent agent = agent()) {
      ToolResult refactor = call(agent, "refactor", with(step(1, 1, false, "Refactor B", "one smell"),
          "confidence", "complete", "relevant_files", List.of(file.toString())));
      ToolResult internal = call(agent, "codereview", with(step(1, 1, false, "Review B", "fine"),
          "review_validation_type", "internal", "relevant_files", List.of(file.toString())));
      assertThat(new ProcessBuilder("git", "init", "-q", dir.toString()).start().waitFor()).isZero();
      ToolResult precommit = call(agent, "precommit", with(step(1, 1, false, "Check changes", "fine"),
          "precommit_type", "internal", "path", dir.toString()));

      assertThat(refactor.structuredContent()).containsEntry("status",
          "refactoring_analysis_complete_ready_for_implementation");
      assertThat(internal.structuredContent()).containsEntry("status", "code_review_complete_ready_for_implementation");
      assertThat((Map<String, Object>) get(internal, "expert_analysis")).containsEntry("status",
          "skipped_due_to_internal_analysis_type");
      assertThat(precommit.structuredContent()).containsEntry("status", "validation_complete_ready_for_commit");
      assertThat(expert.requests).isEmpty();

      ToolResult external = call(agent, "codereview", with(step(1, 1, false, "Review B", "fine"),
          "relevant_files", List.of(file.toString()), "confidence", "certain"));
      assertThat(external.structuredContent()).as("codereview ignores confidence").containsEntry("status",
          "code_review_complete");
      assertThat(expert.requests).hasSize(1);
    }
  }

  @Test
  void use_assistant_model_false_and_too_little_work_complete_locally() {
    try (ZenAgent agent = agent()) {
      ToolResult off = call(agent, "debug", with(step(1, 1, false, "x", "a finding"), "use_assistant_model", false,
          "issues_found", List.of(Map.of("severity", "low", "description", "d"))));
      ToolResult thin = call(agent, "debug", step(1, 1, false, "x", "only one finding"));

      assertThat(off.structuredContent()).containsEntry("status", "local_work_complete");
      assertThat((String) get(off, "next_steps")).contains("use_assistant_model is false");
      assertThat(thin.structuredContent()).containsEntry("status", "local_work_complete");
      assertThat(expert.requests).isEmpty();
    }
  }

  @Test
  void step_one_requirements_are_enforced_with_a_clear_error() {
    try (ZenAgent agent = agent()) {
      ToolResult review = call(agent, "codereview", step(1, 2, true, "Review the module", "starting"));
      ToolResult precommit = call(agent, "precommit", step(1, 2, true, "Check changes", "starting"));
      ToolResult relative = call(agent, "precommit", with(step(1, 2, true, "Check changes", "starting"),
          "path", "repo"));

      assertThat(review.isError()).isTrue();
      assertThat(review.text()).contains("codereview needs relevant_files on its first step");
      assertThat(precommit.text()).contains("precommit needs path on its first step");
      assertThat(relative.text()).contains("'repo' in 'path' is not an absolute path");
    }
  }

  @Test
  void json_expert_replies_are_parsed_and_special_statuses_promoted() throws Exception {
    Path file = Files.writeString(dir.resolve("C.java"), "class C {}\n");
    Map<String, Object> last = with(step(1, 1, false, "Review C", "looked"), "relevant_files", List.of(file.toString()));
    try (ZenAgent agent = agent()) {
      expert.answer = request -> CompletableFuture.completedFuture("```json\n{\"status\": \"files_required_to_continue\", "
          + "\"mandatory_instructions\": \"send D.java\", \"files_needed\": [\"D.java\"]}\n```");
      ToolResult needsFiles = call(agent, "codereview", last);
      expert.answer = request -> CompletableFuture.completedFuture("{\"issues\": [{\"severity\": \"low\"}]}");
      ToolResult parsed = call(agent, "codereview", with(last, "step", "Review C again"));

      assertThat(needsFiles.structuredContent()).containsEntry("status", "files_required_to_continue");
      assertThat((Map<String, Object>) get(needsFiles, "expert_analysis")).containsEntry("files_needed", List.of("D.java"));
      assertThat((String) get(needsFiles, "next_steps")).contains("Provide the requested files");
      assertThat(parsed.structuredContent()).containsEntry("status", "code_review_complete");
      assertThat((Map<String, Object>) get(parsed, "expert_analysis")).containsKey("issues");
      String structured = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
          parsed.structuredContent());
      assertThat(structured.split("\\{\"severity\":\"low\"\\}", -1)).as("the analysis once in the structured content")
          .hasSize(2);
      assertThat((String) get(parsed, "content")).doesNotContain("severity");
    }
  }

  @Test
  void an_expert_failure_is_an_error_that_leaves_the_workflow_intact_so_the_final_step_can_be_retried() {
    try (ZenAgent agent = agent()) {
      String thread = call(agent, "debug", with(step(1, 2, true, "Crash on save", "NPE in save()"),
          "hypothesis", "null repo")).continuationId();
      expert.answer = request -> CompletableFuture.failedFuture(new ServiceUnavailableException("upstream 503", null));
      Map<String, Object> last = with(step(2, 2, false, "Found it", "repo never injected"), "continuation_id", thread);
      ToolResult failed = call(agent, "debug", last);
      expert.answer = request -> CompletableFuture.completedFuture("Root cause: repo not injected.");
      ToolResult retried = call(agent, "debug", last);

      assertThat(failed.isError()).isTrue();
      assertThat(failed.text()).contains("The expert model 'sage' failed: upstream 503")
          .contains("send the final step again to retry");
      assertThat(retried.isError()).as(retried.text()).isFalse();
      assertThat(retried.structuredContent()).containsEntry("status", "investigation_complete");
      assertThat((Map<String, Object>) get(retried, "complete_investigation")).containsEntry("steps_taken", 2);
      assertThat(expert.lastRequestText()).contains("Findings: NPE in save()").contains("Findings: repo never injected");
    }
  }

  @Test
  void an_identical_final_request_is_answered_from_the_threads_cache() {
    try (ZenAgent agent = agent()) {
      String thread = call(agent, "thinkdeep", step(1, 2, true, "Monolith or services?", "team of 4")).continuationId();
      Map<String, Object> last = with(step(2, 2, false, "Weighed both", "monolith fits"), "continuation_id", thread);
      ToolResult first = call(agent, "thinkdeep", last);
      ToolResult again = call(agent, "thinkdeep", last);

      assertThat(expert.requests).hasSize(1);
      assertThat((Map<String, Object>) get(first, "expert")).containsEntry("cached", false);
      assertThat((Map<String, Object>) get(again, "expert")).containsEntry("cached", true)
          .containsEntry("request_hash", ((Map<String, Object>) get(first, "expert")).get("request_hash"));
      assertThat(again.text()).contains("from the cache").contains("The analysis: all good.");
    }
  }

  @Test
  void backtrack_sets_steps_aside_so_they_leave_the_expert_request_but_stay_in_the_thread() {
    try (ZenAgent agent = agent()) {
      String thread = call(agent, "debug", step(1, 4, true, "Slow startup", "startup takes 9 s")).continuationId();
      call(agent, "debug", with(step(2, 4, true, "Blamed DNS", "WRONG LEAD: dns lookups"), "continuation_id", thread));
      call(agent, "debug", with(step(3, 4, true, "More DNS", "WRONG LEAD: resolver"), "continuation_id", thread));
      ToolResult backtracked = call(agent, "debug", with(step(4, 4, true, "Profiled instead", "classpath scan 8 s"),
          "continuation_id", thread, "backtrack_from_step", 2));
      call(agent, "debug", with(step(5, 5, false, "Done", "scan is the cause"), "continuation_id", thread,
          "relevant_files", List.of(dir.toString())));

      assertThat(backtracked.isError()).as(backtracked.text()).isFalse();
      assertThat((Map<String, Object>) get(backtracked, "investigation_status")).containsEntry("status",
          "investigation_in_progress");
      assertThat(expert.lastRequestText()).contains("startup takes 9 s").contains("classpath scan 8 s")
          .doesNotContain("WRONG LEAD");
      ToolResult older = call(agent, "debug", with(step(2, 5, true, "x", "y"), "continuation_id", thread));
      assertThat(older.isError()).isTrue();
      assertThat(older.text()).contains("before the last recorded step (5)").contains("backtrack_from_step");
    }
  }

  @Test
  void two_clients_running_the_same_tool_never_see_each_others_findings() {
    try (ZenAgent agent = agent()) {
      String alice = call(agent, "debug", step(1, 2, true, "Alice's bug", "ALICE-FINDING")).continuationId();
      String bob = call(agent, "debug", step(1, 2, true, "Bob's bug", "BOB-FINDING")).continuationId();
      call(agent, "debug", with(step(2, 2, false, "done", "alice two"), "continuation_id", alice));
      String aliceRequest = expert.lastRequestText();
      call(agent, "debug", with(step(2, 2, false, "done", "bob two"), "continuation_id", bob));
      String bobRequest = expert.lastRequestText();

      assertThat(aliceRequest).contains("ALICE-FINDING").doesNotContain("BOB-FINDING");
      assertThat(bobRequest).contains("BOB-FINDING").doesNotContain("ALICE-FINDING");
    }
  }

  @Test
  void step_two_on_another_agent_over_the_same_store_gives_what_one_agent_would() {
    String thread;
    try (ZenAgent first = agent()) {
      thread = call(first, "debug", step(1, 2, true, "Flaky test", "fails one run in ten")).continuationId();
    }
    try (ZenAgent second = agent()) {
      ToolResult last = call(second, "debug", with(step(2, 2, false, "Race found", "shared static map"),
          "continuation_id", thread));
      assertThat(last.structuredContent()).containsEntry("status", "investigation_complete");
      assertThat(expert.lastRequestText()).contains("fails one run in ten").contains("shared static map");
    }
  }

  @Test
  void the_expert_sees_the_conversation_another_tool_had_on_the_thread_but_not_the_workflows_own_steps() {
    try (ZenAgent agent = agent()) {
      String thread = call(agent, "chat", Map.of("prompt", "CHAT-QUESTION about caching")).continuationId();
      call(agent, "debug", with(step(1, 2, true, "Cache misses", "STEP-ONE-FINDING"), "continuation_id", thread));
      call(agent, "debug", with(step(2, 2, false, "done", "key includes timestamp"), "continuation_id", thread));

      String request = expert.lastRequestText();
      assertThat(request).contains("CHAT-QUESTION about caching");
      assertThat(request.indexOf("STEP-ONE-FINDING")).as("own steps appear once, in the work summary")
          .isEqualTo(request.lastIndexOf("STEP-ONE-FINDING"));
    }
  }

  @Test
  void planner_pauses_for_deep_thinking_early_in_long_plans_revises_steps_and_keeps_real_branches() {
    try (ZenAgent agent = agent()) {
      ToolResult first = call(agent, "planner", Map.of("step", "Migrate to Postgres", "step_number", 1,
          "total_steps", 6, "next_step_required", true));
      String thread = first.continuationId();
      call(agent, "planner", Map.of("step", "Inventory the queries", "step_number", 2, "total_steps", 6,
          "next_step_required", true, "continuation_id", thread));
      call(agent, "planner", Map.of("step", "Inventory queries AND stored procedures", "step_number", 3,
          "total_steps", 6, "next_step_required", true, "is_step_revision", true, "revises_step_number", 2,
          "continuation_id", thread));
      ToolResult fourth = call(agent, "planner", Map.of("step", "Dual-write phase", "step_number", 4, "total_steps", 6,
          "next_step_required", true, "continuation_id", thread));
      call(agent, "planner", Map.of("step", "Big-bang cutover instead", "step_number", 5, "total_steps", 6,
          "next_step_required", true, "is_branch_point", true, "branch_from_step", 2, "branch_id", "big-bang",
          "continuation_id", thread));
      ToolResult done = call(agent, "planner", Map.of("step", "Rollback plan", "step_number", 6, "total_steps", 6,
          "next_step_required", false, "branch_id", "big-bang", "continuation_id", thread));

      assertThat(first.structuredContent()).containsEntry("status", "pause_for_deep_thinking")
          .containsEntry("thinking_required", true);
      assertThat(fourth.structuredContent()).containsEntry("status", "pause_for_planning");
      assertThat((String) get(fourth, "next_steps")).contains("Continue with step 5. Approximately 2 steps remaining.");
      assertThat(done.structuredContent()).containsEntry("status", "planning_complete")
          .containsEntry("planning_complete", true);
      assertThat((String) get(done, "plan_summary")).isEqualTo("1. Migrate to Postgres\n"
          + "2. Inventory queries AND stored procedures\n5. Big-bang cutover instead\n6. Rollback plan");
      assertThat((Map<String, Object>) get(done, "output")).containsEntry("format", "step_by_step_planning");
      assertThat(expert.requests).isEmpty();
    }
  }

  @Test
  void tracer_asks_for_a_mode_first_and_completes_with_rendering_instructions() {
    try (ZenAgent agent = agent()) {
      Map<String, Object> base = with(step(1, 2, true, "Trace checkout", "entry in CheckoutController"),
          "target_description", "how checkout charges the card");
      ToolResult ask = call(agent, "tracer", with(base, "trace_mode", "ask"));
      ToolResult started = call(agent, "tracer", with(base, "trace_mode", "precision"));
      ToolResult done = call(agent, "tracer", with(step(2, 2, false, "Followed the call", "charge() at Pay.java:40"),
          "target_description", "how checkout charges the card", "trace_mode", "precision",
          "continuation_id", started.continuationId()));

      assertThat(ask.structuredContent()).containsEntry("status", "mode_selection_required")
          .containsEntry("mode_selection_required", true);
      assertThat(ask.continuationId()).as("nothing recorded yet").isNull();
      assertThat(started.structuredContent()).containsEntry("status", "pause_for_tracing");
      assertThat(done.structuredContent()).containsEntry("status", "tracing_complete");
      assertThat((Map<String, Object>) get(done, "output")).containsEntry("format", "precision_trace_analysis");
      assertThat(done.text()).contains("[Class::method]");
      assertThat(expert.requests).isEmpty();
    }
  }

  @Test
  void docgen_refuses_to_finish_while_files_remain_and_counts_its_steps() {
    try (ZenAgent agent = agent()) {
      Map<String, Object> flags = Map.<String, Object>of("document_complexity", true, "document_flow", true, "update_existing", true,
          "comments_on_complex_logic", true);
      ToolResult discovery = call(agent, "docgen", with(with(step(1, 1, true, "Discover files", "3 files"), flags),
          "num_files_documented", 0, "total_files_to_document", 3));
      String thread = discovery.continuationId();
      ToolResult early = call(agent, "docgen", with(with(step(2, 4, false, "Documented A", "done"), flags),
          "num_files_documented", 1, "total_files_to_document", 3, "continuation_id", thread));
      ToolResult finished = call(agent, "docgen", with(with(step(3, 4, false, "Documented B and C", "done"), flags),
          "num_files_documented", 3, "total_files_to_document", 3, "continuation_id", thread));

      assertThat(discovery.structuredContent()).containsEntry("total_steps", 4);
      assertThat(early.structuredContent()).containsEntry("status", "documentation_analysis_required");
      assertThat(early.text()).contains("CRITICAL ERROR").contains("only 1 of 3 files");
      assertThat(finished.structuredContent()).containsEntry("status", "documentation_analysis_complete")
          .containsEntry("documentation_analysis_complete", true);
      assertThat(expert.requests).isEmpty();
    }
  }
}
