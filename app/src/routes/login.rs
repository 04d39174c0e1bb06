use crate::api::auth::Login;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Sign in" />
        <main class="centered">
            <div class="card login-card">
                <h1>"Sign in to Parlor"</h1>
                <ActionForm action=login>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input type="email" id="email" name="email" required autocomplete="username" />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            type="password"
                            id="password"
                            name="password"
                            required
                            autocomplete="current-password"
                        />
                    </div>
                    <Show when=move || error().is_some()>
                        <p class="form-error" role="alert">{error}</p>
                    </Show>
                    <button type="submit" class="button primary" disabled=move || login.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
