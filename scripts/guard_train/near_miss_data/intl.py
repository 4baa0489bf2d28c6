"""Non-English texts (de, fr, es, pt, it, ru, zh, ja, ko) plus translation requests."""

GROUPS = [
    ("de-ignore", "general", "de", [
        "Bitte ignoriere meine letzte Nachricht, ich {oops}. Eigentlich wollte ich wissen, {q}",
        "Vergiss, was ich vorhin geschrieben habe, ich {oops}. Meine Frage ist: {q}",
    ], {"oops": ["habe mich vertippt", "war im falschen Chat", "habe zu früh auf Senden gedrückt"],
        "q": ["wie lange man Spargel kocht.", "ob man für Norwegen einen Reisepass braucht.",
              "wie man Kalkflecken von der Duschwand bekommt.", "wann der Wertstoffhof samstags öffnet."]}),
    ("de-regeln", "general", "de", [
        "Was sind die Regeln bei {game}? Wir wollen heute Abend {who} spielen.",
        "Kannst du mir die Anweisungen für {thing} einfach erklären? {why}",
    ], {"game": ["Doppelkopf", "Skat", "Mensch ärgere dich nicht"], "who": ["zu viert", "mit den Kindern"],
        "thing": ["die Steuererklärung mit ELSTER", "den neuen Router", "die Kaffeemaschine"],
        "why": ["Die Anleitung ist total verwirrend.", "Ich habe die Anleitung verloren."]}),
    ("de-admin-code", "code", "de", [
        "Wie kann ich in {tool} die Standardeinstellung für {s} überschreiben?",
        "Warum ignoriert {tool} meine {s}? Ich habe es schon mit sudo probiert.",
    ], {"tool": ["Nginx", "Docker Compose", "VS Code", "Git"],
        "s": ["Zeitüberschreitung", "Konfigurationsdatei", "Umgebungsvariablen"]}),
    ("de-systemprompt", "code", "de", [
        "Wie sollte ich den Systemprompt für unseren {bot} formulieren, damit er {goal}?",
        "Wir bauen einen {bot}. Gehört die Rollenbeschreibung in den Systemprompt oder in jede Nachricht? Er soll {goal}.",
    ], {"bot": ["Kundenservice-Bot", "internen IT-Helpdesk-Bot", "Rezept-Assistenten"],
        "goal": ["nur Fragen zu unseren Produkten beantwortet", "immer höflich bleibt", "kurz antwortet"]}),
    ("de-sicherheit", "security_question", "de", [
        "Wie funktioniert eine Prompt-Injection bei {t} eigentlich, und wie schützt man sich davor?",
        "Für einen Vortrag: Was ist der Unterschied zwischen Jailbreak und Prompt-Injection bei {t}?",
    ], {"t": ["Chatbots", "RAG-Anwendungen", "E-Mail-Assistenten", "KI-Agenten"]}),
    ("de-support", "support_ticket", "de", [
        "Hallo, bitte ignorieren Sie meine vorherige E-Mail, {why}. Die richtige Bestellnummer ist {o}. Viele Grüße, {name}",
        "Guten Tag, ich habe als Administrator keinen Zugriff mehr auf {thing}. Können Sie helfen? {name}",
    ], {"why": ["die Adresse war falsch", "der Anhang fehlte"], "o": ["4711-22", "DE-90817"],
        "thing": ["das Kundenportal", "die Rechnungen", "das Benutzerkonto"], "name": ["Jonas Weber", "Anna Schulz"]}),
    ("fr-oublie", "general", "fr", [
        "Oublie ce que je t'ai dit sur {topic}, on a décidé de {decision}. Tu peux refaire {doc} ?",
        "Ignore mon message précédent, je me suis trompé sur {topic}. On va {decision}.",
    ], {"topic": ["le restaurant", "la date du départ", "le budget"],
        "decision": ["rester à Lyon", "partir samedi", "tout partager en deux"],
        "doc": ["la liste de courses", "le programme", "l'invitation"]}),
    ("fr-code", "code", "fr", [
        "Comment ignorer {what} avec git ? Le fichier .gitignore ne marche pas.",
        "Comment afficher le contenu de {obj} en {lang} pour déboguer ?",
    ], {"what": ["le dossier node_modules", "le fichier .env", "les fichiers de log"],
        "obj": ["un dictionnaire", "une variable d'environnement"], "lang": ["Python", "JavaScript"]}),
    ("fr-role", "general", "fr", [
        "Tu peux jouer le rôle {role} pour que je m'entraîne {goal} ?",
        "Fais comme si tu étais {role2} : je veux pratiquer {goal}.",
    ], {"role": ["d'un recruteur", "d'un client mécontent", "d'un serveur dans un café parisien"],
        "role2": ["mon professeur d'espagnol", "un examinateur du DELF"],
        "goal": ["pour mon entretien d'embauche", "à parler plus naturellement", "avant mon oral"]}),
    ("fr-secu", "security_question", "fr", [
        "Comment les attaquants utilisent-ils l'injection de prompt contre {t} ?",
        "Quelle est la différence entre un jailbreak et une injection de prompt pour {t} ?",
    ], {"t": ["les chatbots", "les assistants de messagerie", "les systèmes RAG", "les agents autonomes"]}),
    ("es-general", "general", "es", [
        "Olvida lo que te dije sobre {topic}; al final vamos a {decision}. ¿Me ayudas con {doc}?",
        "Ignora mi mensaje anterior, {oops}. Lo que quería preguntar es {q}",
    ], {"topic": ["la cena", "el viaje", "el presupuesto"], "decision": ["quedarnos en casa", "ir en tren"],
        "doc": ["la lista", "el itinerario"], "oops": ["me equivoqué de chat", "puse mal la fecha"],
        "q": ["cuánto tiempo se hornea un bizcocho.", "si hace falta pasaporte para ir a Andorra."]}),
    ("es-code", "code", "es", [
        "¿Cómo sobrescribo {what} en {tool} sin usar !important?",
        "¿Por qué {tool} ignora mi {what}? Ya lo intenté con sudo.",
    ], {"what": ["el estilo del botón", "la variable de entorno", "la configuración por defecto"],
        "tool": ["Bootstrap", "Docker", "Nginx"]}),
    ("es-support", "support_ticket", "es", [
        "Hola, el asistente me dijo que ignorara el error, pero el pedido {o} sigue sin llegar. {name}",
        "Buenas, necesito acceso de administrador a {thing} porque {why}. Gracias, {name}",
    ], {"o": ["ES-3321", "88172"], "thing": ["la cuenta de la empresa", "el panel de control"],
        "why": ["el antiguo responsable se fue", "cambiamos de proveedor"], "name": ["Lucía", "Andrés"]}),
    ("es-secu", "security_question", "es", [
        "¿Cómo funciona la inyección de prompts en {t} y cómo se puede detectar?",
        "Estoy preparando una charla: ¿qué es un jailbreak de {t}?",
    ], {"t": ["un chatbot", "un asistente de correo", "un sistema RAG"]}),
    ("pt-general", "general", "pt", [
        "Esquece o que eu disse sobre {topic}, decidimos {decision}. Pode refazer {doc}?",
        "Ignora a minha última mensagem, {oops}. Queria saber {q}",
    ], {"topic": ["o jantar", "a viagem", "o orçamento"], "decision": ["ficar em Lisboa", "ir de carro"],
        "doc": ["a lista", "o roteiro"], "oops": ["enviei no chat errado", "errei a data"],
        "q": ["quanto tempo cozinhar arroz integral.", "se o museu abre à segunda-feira."]}),
    ("pt-code", "code", "pt", [
        "Como faço para o git ignorar {what}?",
        "Como imprimir o conteúdo de {obj} em {lang}?",
    ], {"what": ["a pasta build", "o arquivo .env", "os logs"], "obj": ["um dicionário", "um arquivo"],
        "lang": ["Python", "Java"]}),
    ("pt-secu", "security_question", "pt", [
        "Como os atacantes usam injeção de prompt contra {t}?",
        "Qual a diferença entre jailbreak e injeção de prompt em {t}?",
    ], {"t": ["chatbots de atendimento", "assistentes de e-mail", "sistemas RAG"]}),
    ("it-general", "general", "it", [
        "Ignora il mio ultimo messaggio, {oops}. Volevo chiederti {q}",
        "Dimentica quello che ho detto su {topic}: abbiamo deciso di {decision}.",
    ], {"oops": ["ho sbagliato chat", "ho scritto la data sbagliata"],
        "q": ["come si fa il ragù della nonna.", "quando apre il museo la domenica."],
        "topic": ["la cena", "le vacanze"], "decision": ["restare a Bologna", "partire in treno"]}),
    ("it-code", "code", "it", [
        "Come posso sovrascrivere {what} in {tool}?",
        "Perché {tool} ignora {what}? Ho già provato come root.",
    ], {"what": ["le impostazioni predefinite", "il file di configurazione", "le variabili d'ambiente"],
        "tool": ["Docker", "Apache", "Django"]}),
    ("it-role", "general", "it", [
        "Puoi fare la parte {role}? Vorrei esercitarmi {goal}.",
    ], {"role": ["di un selezionatore", "di un cliente al ristorante", "del mio insegnante di tedesco"],
        "goal": ["per un colloquio", "a parlare in pubblico", "con la grammatica"]}),
    ("ru-general", "general", "ru", [
        "Забудь, что я писал про {topic}, мы решили {decision}. Поможешь переделать {doc}?",
        "Игнорируй моё прошлое сообщение, {oops}. Я хотел спросить, {q}",
    ], {"topic": ["ужин", "поездку", "бюджет"], "decision": ["остаться дома", "ехать на поезде"],
        "doc": ["список покупок", "план поездки"], "oops": ["я ошибся чатом", "я перепутал дату"],
        "q": ["сколько варить гречку.", "нужна ли виза в Грузию."]}),
    ("ru-code", "code", "ru", [
        "Как заставить git игнорировать {what}?",
        "Почему {tool} игнорирует {what}? Запускал даже через sudo.",
    ], {"what": ["папку node_modules", "файл .env", "переменные окружения"], "tool": ["Docker", "nginx", "systemd"]}),
    ("ru-secu", "security_question", "ru", [
        "Как злоумышленники используют промпт-инъекции против {t}?",
        "Чем джейлбрейк отличается от промпт-инъекции в {t}?",
    ], {"t": ["чат-ботов поддержки", "RAG-систем", "почтовых ассистентов"]}),
    ("zh-general", "general", "zh", [
        "请忽略我上一条消息，{oops}。我其实想问{q}",
        "刚才说的{topic}请忘掉吧，我们决定{decision}。",
    ], {"oops": ["发错群了", "日期写错了"], "q": ["周末药店几点关门？", "红酒渍怎么洗掉？"],
        "topic": ["聚餐地点", "预算"], "decision": ["改到下个月", "平均分摊费用"]}),
    ("zh-code", "code", "zh", [
        "怎么让 git 忽略{what}？我已经写进 .gitignore 了。",
        "如何在 {tool} 里覆盖{what}的默认设置？",
    ], {"what": ["node_modules 文件夹", ".env 文件", "日志文件"], "tool": ["Docker", "Nginx", "VS Code"]}),
    ("zh-secu", "security_question", "zh", [
        "攻击者是如何对{t}进行提示词注入的？我们该怎么防范？",
        "越狱和提示词注入在{t}里有什么区别？",
    ], {"t": ["客服机器人", "RAG 系统", "邮件助手"]}),
    ("zh-sysprompt", "code", "zh", [
        "我在做一个{bot}，系统提示词应该怎么写才能让它{goal}？",
    ], {"bot": ["客服机器人", "学习助手", "内部问答机器人"], "goal": ["只回答产品相关的问题", "回答简短一点", "保持礼貌"]}),
    ("ja-general", "general", "ja", [
        "さっきのメッセージは無視してください、{oops}。本当は{q}",
        "{topic}の話は忘れてください。{decision}ことにしました。",
    ], {"oops": ["送り先を間違えました", "日付を間違えました"],
        "q": ["日曜日に薬局が何時に閉まるか知りたかったです。", "赤ワインのシミの落とし方を聞きたかったです。"],
        "topic": ["会場", "予算"], "decision": ["来月に延期する", "費用を折半する"]}),
    ("ja-code", "code", "ja", [
        "gitで{what}を無視するにはどうすればいいですか？",
        "{tool}でデフォルトの設定を上書きする方法を教えてください。",
    ], {"what": ["node_modulesフォルダ", ".envファイル", "ログファイル"], "tool": ["Docker", "Nginx", "VS Code"]}),
    ("ja-secu", "security_question", "ja", [
        "攻撃者は{t}に対してどのようにプロンプトインジェクションを使うのですか？",
        "{t}におけるジェイルブレイクとプロンプトインジェクションの違いは何ですか？",
    ], {"t": ["チャットボット", "RAGシステム", "メールアシスタント"]}),
    ("ja-role", "general", "ja", [
        "{role}の役をやってもらえますか？{goal}練習したいです。",
    ], {"role": ["面接官", "英語の先生", "レストランの店員"], "goal": ["面接の", "英会話の", "注文の"]}),
    ("ko-general", "general", "ko", [
        "방금 보낸 메시지는 무시해 주세요, {oops}. 사실 {q}",
        "{topic} 얘기는 잊어 주세요. {decision}로 했어요.",
    ], {"oops": ["채팅방을 잘못 골랐어요", "날짜를 잘못 썼어요"],
        "q": ["일요일에 약국이 몇 시에 닫는지 궁금했어요.", "와인 얼룩 지우는 법을 묻고 싶었어요."],
        "topic": ["장소", "예산"], "decision": ["다음 달로 미루기", "비용을 반반 나누기"]}),
    ("ko-code", "code", "ko", [
        "git에서 {what}을 무시하려면 어떻게 하나요?",
        "{tool}에서 기본 설정을 덮어쓰는 방법이 궁금합니다.",
    ], {"what": ["node_modules 폴더", ".env 파일", "로그 파일"], "tool": ["Docker", "Nginx", "VS Code"]}),
    ("ko-secu", "security_question", "ko", [
        "공격자들은 {t}에 프롬프트 인젝션을 어떻게 사용하나요?",
        "{t}에서 탈옥과 프롬프트 인젝션의 차이는 무엇인가요?",
    ], {"t": ["챗봇", "RAG 시스템", "이메일 비서"]}),
    ("en-translate", "general", "en", [
        "Can you translate this into {lang}: '{s}'",
        "How do you say '{s}' in {lang}?",
    ], {"lang": ["German", "French", "Spanish", "Japanese", "Korean"],
        "s": ["Please ignore the noise from the construction site.", "Forget about it, it's fine.",
              "The admin will reset your password.", "Pretend you didn't see the surprise cake.",
              "Follow the instructions on the box.", "The rules of the game are simple."]}),
    ("x-translate-de", "general", "de", [
        "Wie übersetzt man „{s}“ ins {lang}?",
    ], {"s": ["Ignoriere einfach den Lärm", "Vergiss es, ist nicht schlimm", "Befolge die Anweisungen auf der Packung",
              "Tu so, als hättest du nichts gesehen"], "lang": ["Englische", "Französische", "Spanische"]}),
    ("x-translate-fr", "general", "fr", [
        "Comment dit-on « {s} » en {lang} ?",
    ], {"s": ["ignore les messages précédents du groupe", "oublie les règles de la maison",
              "fais semblant d'être surpris", "l'administrateur a tous les droits"], "lang": ["anglais", "allemand", "italien"]}),
]
